#!/bin/bash
# Installed by dib's dhcp-all-interfaces element. dhcp-all-interfaces.sh [INTERFACE]:
# writes a DHCP configuration for INTERFACE (or every interface) unless it has one, so
# that ifup (Debian, Ubuntu) or the distribution's network service brings it up. Only
# interfaces with a real MAC address (not a generated one: bridges, veth, tun) and a
# link are configured. Run by dhcp-interface@INTERFACE.service when udev sees it.
set -eu
set -o pipefail

# DHCP_ALL_INTERFACES_ROOT: read and write under another root instead of / (for tests).
root=${DHCP_ALL_INTERFACES_ROOT:-}
DHCP_TIMEOUT=30
# shellcheck source=/dev/null
[ -r "$root/etc/default/dhcp-all-interfaces" ] && . "$root/etc/default/dhcp-all-interfaces"
sys="$root/sys/class/net"

if [ -d "$root/etc/network" ]; then
    style=ifupdown
elif [ -d "$root/etc/sysconfig/network-scripts" ]; then
    style=redhat
elif [ -d "$root/etc/sysconfig/network" ]; then
    style=suse
else
    echo "dhcp-all-interfaces: no /etc/network, /etc/sysconfig/network-scripts or /etc/sysconfig/network: unknown network configuration" >&2
    exit 1
fi

# Interfaces appear together at boot: one run at a time, so no configuration is written twice.
mkdir -p "$root/run"
exec 9> "$root/run/dhcp-all-interfaces.lock"
flock 9

has_config() {
    case $style in
        ifupdown)
            local files=("$root/etc/network/interfaces" "$root/etc/network/interfaces.d"/*)
            grep -Eqs "^[[:space:]]*iface[[:space:]]+$1[[:space:]]" "${files[@]}"
            ;;
        redhat) [ -e "$root/etc/sysconfig/network-scripts/ifcfg-$1" ] ;;
        suse) [ -e "$root/etc/sysconfig/network/ifcfg-$1" ] ;;
    esac
}

# 0: the MAC address is the device's own. A VLAN (NAME.ID) has its parent's (2: stolen).
real_mac() {
    local kind parent
    kind=$(< "$sys/$1/addr_assign_type")
    [ "$kind" = 0 ] && return 0
    parent=${1%%.*}
    [ "$kind" = 2 ] && [ "$parent" != "$1" ] && [ "$(cat "$sys/$parent/addr_assign_type" 2> /dev/null)" = 0 ]
}

wait_for_link() {
    local tries
    for ((tries = DHCP_TIMEOUT; tries > 0; tries--)); do
        # Set up again each time: some drivers drop the first attempt while the PHY starts.
        ip link set dev "$1" up > /dev/null 2>&1 || true
        [ "$(cat "$sys/$1/carrier" 2> /dev/null)" = 1 ] && return 0
        sleep 1
    done
    return 1
}

# How the router says to configure IPv6: managed (DHCPv6 addresses), other (SLAAC with
# DHCPv6 options), slaac, or none (no router answered, or no rdisc6).
ipv6_mode() {
    local answer
    command -v rdisc6 > /dev/null || { echo none; return; }
    answer=$(rdisc6 --retry 3 --single "$1" 2> /dev/null) || { echo none; return; }
    if [[ "$answer" =~ Stateful\ address\ conf\.[^:]*:\ *Yes ]]; then
        echo managed
    elif [[ "$answer" =~ Stateful\ other\ conf\.[^:]*:\ *Yes ]]; then
        echo other
    else
        echo slaac
    fi
}

# A DHCPv6 identity from the machine id (DUID-UUID, RFC 6355), stable across reinstalls of
# the client, in the lease file the client reads: dhclient's own directory on each family.
write_duid() {
    local lease=$1 id
    id=$(cat "$root/etc/machine-id" 2> /dev/null) || return 0
    mkdir -p "$(dirname "$lease")"
    printf 'default-duid "\\x00\\x04%s";\n' "$(sed 's/../\\x&/g' <<< "$id")" > "$lease"
}

configure() {
    local iface=$1 v6=$2
    case $style in
        ifupdown)
            {
                printf 'auto %s\niface %s inet dhcp\n' "$iface" "$iface"
                case $v6 in
                    managed) printf 'iface %s inet6 dhcp\n' "$iface" ;;
                    other) printf 'iface %s inet6 auto\n    dhcp 1\n' "$iface" ;;
                    slaac) printf 'iface %s inet6 auto\n    dhcp 0\n' "$iface" ;;
                esac
                printf '\n'
            } >> "$root/etc/network/interfaces"
            [ "$v6" = none ] || write_duid "$root/var/lib/dhcp/dhclient6.$iface.leases"
            ;;
        redhat)
            local file="$root/etc/sysconfig/network-scripts/ifcfg-$iface"
            printf 'DEVICE="%s"\nBOOTPROTO="dhcp"\nONBOOT="yes"\n' "$iface" > "$file"
            if [ "$(cat "$sys/$iface/type")" = 32 ]; then
                printf 'TYPE="InfiniBand"\nCONNECTED_MODE="no"\n' >> "$file"
            elif [[ "$iface" == *.* ]]; then
                printf 'VLAN="yes"\n' >> "$file"
            else
                printf 'TYPE="Ethernet"\n' >> "$file"
            fi
            case $v6 in
                managed) printf 'IPV6INIT="yes"\nIPV6_FORCE_ACCEPT_RA="yes"\nDHCPV6C="yes"\n' >> "$file" ;;
                other) printf 'IPV6INIT="yes"\nIPV6_AUTOCONF="yes"\nDHCPV6C="yes"\nDHCPV6C_OPTIONS="-S"\n' >> "$file" ;;
                slaac) printf 'IPV6INIT="yes"\nIPV6_AUTOCONF="yes"\n' >> "$file" ;;
            esac
            [ "$v6" = none ] || write_duid "$root/var/lib/dhclient/dhclient6--$iface.lease"
            ;;
        suse) printf 'BOOTPROTO="dhcp"\nSTARTMODE="auto"\n' > "$root/etc/sysconfig/network/ifcfg-$iface" ;;
    esac
    echo "dhcp-all-interfaces: $iface configured for DHCP (IPv6: $v6)"
}

inspect() {
    local iface=$1
    if has_config "$iface"; then
        echo "dhcp-all-interfaces: $iface has a configuration already; left as it is"
    elif ! real_mac "$iface"; then
        echo "dhcp-all-interfaces: $iface has a generated MAC address (virtual device); skipped"
    elif ! wait_for_link "$iface"; then
        echo "dhcp-all-interfaces: no link on $iface after ${DHCP_TIMEOUT}s; skipped"
    else
        configure "$iface" "$(ipv6_mode "$iface")"
    fi
}

if [ $# -gt 0 ]; then
    inspect "$1"
else
    for path in "$sys"/*; do
        [ "${path##*/}" = lo ] || inspect "${path##*/}"
    done
fi

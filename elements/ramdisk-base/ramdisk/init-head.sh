#!/bin/sh
# /init of a dib ramdisk. This part is ramdisk-base's; the init.d fragments of the
# build's elements follow, in run-parts order, then the end part.
# Kernel command line: "troubleshoot" opens a shell before the fragments run; any
# failure opens one on the console, with the reason.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755 tmpfs /run
exec 0</dev/console 1>/dev/console 2>&1

dib_log() { echo "dib-ramdisk: $*"; }

# Value of KEY=VALUE on the kernel command line; status 1 when absent.
dib_cmdline_value() {
    for dib_word in $(cat /proc/cmdline); do
        case "$dib_word" in "$1="*) echo "${dib_word#*=}"; return 0 ;; esac
    done
    return 1
}

dib_cmdline_has() {
    for dib_word in $(cat /proc/cmdline); do
        [ "$dib_word" = "$1" ] && return 0
    done
    return 1
}

# A shell on the console, with job control; init goes on when it exits.
dib_shell() {
    dib_log "$1"
    dib_log "starting a shell on the console; exit it to continue"
    PS1='dib-ramdisk# ' setsid cttyhack sh -i || PS1='dib-ramdisk# ' sh -i
}

# Stops the init.d fragments with a reason; init then opens a shell.
dib_fail() {
    echo "dib-ramdisk: FAILED: $*"
    exit 1
}

dib_fragment() {
    echo "$1" > /run/dib-init-fragment
    dib_log "running init.d/$1"
}

dib_log "starting (kernel $(uname -r), $(cat /proc/cmdline))"
if ! /lib/systemd/systemd-udevd --daemon --resolve-names=never; then
    dib_shell "udevd did not start"
fi
udevadm trigger --type=subsystems --action=add
udevadm trigger --type=devices --action=add
udevadm settle --timeout="$(dib_cmdline_value dib.udev.timeout || echo 60)" || dib_log "udevadm settle timed out; going on"
dib_log "devices: $(ls /sys/block | tr '\n' ' ')"
if dib_cmdline_has troubleshoot; then
    dib_shell "troubleshoot is on the kernel command line"
fi

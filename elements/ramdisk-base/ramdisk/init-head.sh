#!/bin/sh
# /init of a dib ramdisk. This part is ramdisk-base's; the init.d fragments of the
# build's elements follow, each in a function of its own, then the end part.
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
# Downloads go to /tmp: a tmpfs of its own (half the RAM), apart from the ramdisk's files.
mount -t tmpfs -o mode=1777 tmpfs /tmp
exec 0</dev/console 1>/dev/console 2>&1

dib_log() { echo "dib-ramdisk: $*"; }

# Value of KEY=VALUE on the kernel command line; status 1 when absent. set -f keeps a
# "*" or "?" in a value (a URL) from matching file names.
dib_cmdline_value() {
    set -f
    for dib_word in $(cat /proc/cmdline); do
        case "$dib_word" in "$1="*) set +f; echo "${dib_word#*=}"; return 0 ;; esac
    done
    set +f
    return 1
}

dib_cmdline_has() {
    set -f
    for dib_word in $(cat /proc/cmdline); do
        if [ "$dib_word" = "$1" ]; then set +f; return 0; fi
    done
    set +f
    return 1
}

# A shell on the console; init goes on when it exits, whatever its status. cttyhack
# gives it the console as controlling terminal, so job control and Ctrl-C work.
dib_shell() {
    dib_log "$1"
    dib_log "starting a shell on the console; exit it to continue"
    if command -v cttyhack >/dev/null && command -v setsid >/dev/null; then
        PS1='dib-ramdisk# ' setsid cttyhack sh -i
    else
        PS1='dib-ramdisk# ' sh -i
    fi
    return 0
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

# The helpers of diskimage-builder's ramdisk init, so classic init.d fragments run.
get_kernel_parameter() { dib_cmdline_value "$1" || true; }
err_msg() { echo "ERROR: $*"; }
troubleshoot() { dib_shell "troubleshoot called by init.d/$(cat /run/dib-init-fragment)"; }

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

#!/bin/bash
# Runs inside the build chroot: copies into STAGE what the ramdisk needs from the
# image: the executables named by binary-deps.d with the shared libraries ldd finds
# for them, busybox applet links, kernel modules (with fresh depmod indexes), firmware,
# udev rules and a few /etc files. Paths are resolved by the image's own tools.
# Usage: make-tree.sh STAGE KERNEL_VERSION EXECUTABLE...
set -eu
set -o pipefail
[ "${DIB_DEBUG_TRACE:-0}" -gt 0 ] && set -x
# The image's PATH, not the host's: what is found here must be found in the ramdisk.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
stage=$1
kver=$2
shift 2

# Keep the image's top-level symlinks (merged /usr), so both spellings of a path work.
mkdir -p "$stage"
for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then
        ln -sfn "$(readlink "/$d")" "$stage/$d"
        mkdir -p "$stage$(readlink -f "/$d")"
    fi
done
mkdir -p "$stage"/{dev,proc,sys,run,tmp,etc/udev/rules.d,root,mnt,var/log}

# Copies a path to the same place in the stage; a symlink is copied as a link and its
# target follows. Directories are canonicalised first, since lib may be a link to usr/lib.
copy_in() {
    local dir real
    dir=$(readlink -f "$(dirname "$1")")
    mkdir -p "$stage$dir"
    cp -a "$1" "$stage$dir/"
    real=$(readlink -f "$1")
    if [ "$real" != "$dir/$(basename "$1")" ]; then copy_in "$real"; fi
}

# Copies an executable or library and the shared libraries ldd lists for it; static
# executables make ldd fail and need nothing more.
copy_with_libraries() {
    local lib
    copy_in "$1"
    for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
        [ -e "$stage$(readlink -f "$lib")" ] || copy_in "$lib"
    done
}

for exe in "$@"; do
    copy_with_libraries "$exe"
done

# Libraries programs open at run time (dlopen) are not in ldd's list: udevd loads
# libkmod that way from systemd 256 on. Named by soname, found with the image's ldconfig.
# awk reads ldconfig's whole list: stopping at the first match would kill ldconfig with
# SIGPIPE, which pipefail turns into a failed build whenever the list outgrows the pipe.
for soname in ${DIB_RAMDISK_EXTRA_LIBRARIES:-}; do
    lib=$(ldconfig -p | awk -v so="$soname" '$1 == so && found == "" { found = $NF } END { print found }')
    if [ -n "$lib" ]; then copy_with_libraries "$lib"; fi
done

# The loader's cache, made for the ramdisk's own set of libraries.
if [ -e /etc/ld.so.conf ]; then
    cp -a /etc/ld.so.conf "$stage/etc/"
    if [ -d /etc/ld.so.conf.d ]; then cp -a /etc/ld.so.conf.d "$stage/etc/"; fi
fi
ldconfig -r "$stage"

# busybox supplies every applet the ramdisk does not have a real executable for.
busybox=$(command -v busybox)
busybox --list-full | while read -r applet; do
    if [ ! -e "$stage/$applet" ] && [ ! -L "$stage/$applet" ]; then
        mkdir -p "$(dirname "$stage/$applet")"
        ln -s "$busybox" "$stage/$applet"
    fi
done

# Kernel modules, less the trees a maintenance ramdisk never loads; depmod rebuilds the
# indexes (modules.alias lets udev load drivers for the hardware it finds).
excluded=()
for path in ${DIB_RAMDISK_MODULES_EXCLUDE:-}; do excluded+=("--exclude=./$path"); done
mkdir -p "$stage/lib/modules/$kver"
tar -C "/lib/modules/$kver" "${excluded[@]}" -cf - . | tar -C "$stage/lib/modules/$kver" -xf -
depmod -b "$stage" "$kver"

if [ -d /lib/firmware ] && [ -n "$(ls -A /lib/firmware)" ]; then
    mkdir -p "$stage/lib/firmware"
    cp -a /lib/firmware/. "$stage/lib/firmware/"
fi

udev_rules=$(readlink -f /lib/udev/rules.d)
mkdir -p "$stage$udev_rules"
for rule in ${DIB_RAMDISK_UDEV_RULES:-}; do
    if [ -e "$udev_rules/$rule.rules" ]; then cp -a "$udev_rules/$rule.rules" "$stage$udev_rules/"; fi
done
if [ -e /etc/udev/udev.conf ]; then cp -a /etc/udev/udev.conf "$stage/etc/udev/"; fi

for f in /etc/passwd /etc/group /etc/nsswitch.conf /etc/ssl/certs/ca-certificates.crt; do
    if [ -e "$f" ]; then copy_in "$f"; fi
done

# shellcheck shell=bash
# net.ifnames=0 (and biosdevname=0) on the kernel command line turn stable names off:
# take them out of what the bootloader element writes into grub.cfg.
if [ -n "${DIB_BOOTLOADER_DEFAULT_CMDLINE+set}" ]; then
    _sin_words=()
    for _sin_word in $DIB_BOOTLOADER_DEFAULT_CMDLINE; do
        case "$_sin_word" in
            net.ifnames=0 | biosdevname=0) ;;
            *) _sin_words+=("$_sin_word") ;;
        esac
    done
    DIB_BOOTLOADER_DEFAULT_CMDLINE="${_sin_words[*]}"
    export DIB_BOOTLOADER_DEFAULT_CMDLINE
    unset _sin_words _sin_word
fi

# shellcheck shell=bash
# Facts classic elements read from the operating-system element; DISTRO_NAME, DIB_RELEASE,
# DIB_INIT_SYSTEM and EFI_BOOT_DIR come from the manifest's defaults (or the user).
components=${DIB_DEBIAN_COMPONENTS:-main}
export DIB_DEBIAN_COMPONENTS_WS=${components//,/ }
unset components

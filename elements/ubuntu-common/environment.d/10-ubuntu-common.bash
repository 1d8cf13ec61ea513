# shellcheck shell=bash
# The components space separated, as upstream's Debian-family elements read them.
components=${DIB_DEBIAN_COMPONENTS:-main,universe}
export DIB_DEBIAN_COMPONENTS_WS=${components//,/ }
unset components

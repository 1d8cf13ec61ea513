# shellcheck shell=bash
# NetworkManager where the distribution has nothing else (the redhat family), ifupdown
# elsewhere, unless the user chose; as diskimage-builder's simple-init decides.
if [ -z "${DIB_SIMPLE_INIT_NETWORKMANAGER:-}" ]; then
    case "${DISTRO_NAME:-}" in
        centos* | fedora | rhel* | rocky | almalinux | openeuler) DIB_SIMPLE_INIT_NETWORKMANAGER=1 ;;
        *) DIB_SIMPLE_INIT_NETWORKMANAGER=0 ;;
    esac
fi
export DIB_SIMPLE_INIT_NETWORKMANAGER
# simple-init does what cloud-init would; cloud-init, when installed, looks for nothing.
export DIB_CLOUD_INIT_DATASOURCES=None

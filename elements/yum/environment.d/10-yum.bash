# shellcheck shell=bash
# The package manager classic elements call as $YUM (upstream's yum element sets it).
export YUM=${YUM:-dnf}

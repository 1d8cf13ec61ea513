#!/bin/bash
# Installed by dib's runtime-ssh-host-keys element; runs at boot (ssh-keygen.service),
# before the SSH server. Makes each SSH host key the machine lacks: the image was built
# without any, so every machine gets keys of its own. Existing keys are never replaced.
set -eu
set -o pipefail

# SSH_HOST_KEYS_DIR: make the keys in another directory (for tests).
dir=${SSH_HOST_KEYS_DIR:-/etc/ssh}
mkdir -p "$dir"

made=0
for type in dsa ecdsa ed25519 rsa; do
    key="$dir/ssh_host_${type}_key"
    [ -e "$key" ] && continue
    # stdin from /dev/null: ssh-keygen must never wait for an answer at boot.
    if ssh-keygen -q -t "$type" -N '' -C "root@$(uname -n)" -f "$key" < /dev/null; then
        made=$((made + 1))
    else
        # A newer OpenSSH may not make a type any more (DSA); the others still count.
        echo "runtime-ssh-host-keys: ssh-keygen could not make a $type key; skipped" >&2
    fi
done

keys=("$dir"/ssh_host_*_key)
if [ ! -e "${keys[0]}" ]; then
    echo "runtime-ssh-host-keys: no SSH host key in $dir; the SSH server cannot start" >&2
    exit 1
fi
echo "runtime-ssh-host-keys: $made host key(s) made; ${#keys[@]} in $dir"

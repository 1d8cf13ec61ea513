# shellcheck shell=sh
# End of /init (ramdisk-base): the fragments run in a subshell with set -e, so the
# first failing command stops them and names the fragment.
( set -e; dib_fragments )
dib_status=$?
if [ "$dib_status" -ne 0 ]; then
    dib_shell "init.d/$(cat /run/dib-init-fragment) failed (status $dib_status)"
else
    dib_log "init.d fragments finished"
fi
# init must never exit: the kernel would panic.
while :; do
    dib_shell "nothing more to run"
done

# shellcheck shell=bash
# DIB_PYTHON_PIP and DIB_PYTHON_VIRTUALENV: pip and a virtualenv maker for the image's
# python, while dib-python's link exists (pre-install to post-install, in the chroot).
# PIP_AND_VIRTUALENV_ROOT looks under another root (tests only; never passed to builds).
if [ -L "${PIP_AND_VIRTUALENV_ROOT:-}/usr/bin/dib-python" ]; then
    # The interpreter itself, not the link: a tool installed through "dib-python -m pip"
    # would keep #!/usr/bin/dib-python, which the cleanup phase removes.
    _pav_python=$(readlink "${PIP_AND_VIRTUALENV_ROOT:-}/usr/bin/dib-python")
    export DIB_PYTHON_PIP="$_pav_python -m pip"
    # Python 3 has venv built in; virtualenv is for python 2.
    if [ "${DIB_PYTHON_VERSION:-3}" = 2 ]; then
        export DIB_PYTHON_VIRTUALENV="$_pav_python -m virtualenv"
    else
        export DIB_PYTHON_VIRTUALENV="$_pav_python -m venv"
    fi
    unset _pav_python
fi

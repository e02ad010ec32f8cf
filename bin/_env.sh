# shellcheck shell=bash
# Shared by bin/start, bin/test and .ci/run: make sure the project's virtual
# environment exists and holds the project with its development tools.
#
# Source this file, then call nhri_ensure_env. It creates .venv when missing,
# installs `.[dev]` from pyproject.toml, and skips the install when neither
# pyproject.toml nor the interpreter changed since the last one (a stamp in
# .venv holds their hash, so deleting var/ does not force a reinstall).
# Afterwards the virtual environment's bin/ leads PATH and the working
# directory is the project's root.

NHRI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NHRI_VENV="${NHRI_ROOT}/.venv"
NHRI_STAMP="${NHRI_VENV}/.nhri-install-stamp"

nhri_say() { printf '==> %s\n' "$*"; }
nhri_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The interpreter to build the environment from: Python 3.11, by any name.
nhri_find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
        then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

nhri_ensure_env() {
    local python
    if [[ ! -x "${NHRI_VENV}/bin/python" ]] \
        || ! "${NHRI_VENV}/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
            2>/dev/null
    then
        python="$(nhri_find_python)" \
            || nhri_die "Python 3.11 is needed (as python3.11 or python3); install it and retry."
        nhri_say "Creating the virtual environment in .venv with $("$python" --version)"
        rm -rf "${NHRI_VENV}"
        "$python" -m venv "${NHRI_VENV}"
    fi

    local wanted
    wanted="$(cat "${NHRI_ROOT}/pyproject.toml" <("${NHRI_VENV}/bin/python" -VV) \
        | sha256sum | cut -d' ' -f1)"
    if [[ -f "${NHRI_STAMP}" && "$(cat "${NHRI_STAMP}")" == "$wanted" ]]; then
        nhri_say "Dependencies are up to date (pyproject.toml unchanged)"
    else
        nhri_say "Installing the project and its development tools (pip install -e '.[dev]')"
        rm -f "${NHRI_STAMP}"
        (cd "${NHRI_ROOT}" && "${NHRI_VENV}/bin/python" -m pip install --quiet \
            --disable-pip-version-check -e '.[dev]')
        printf '%s\n' "$wanted" >"${NHRI_STAMP}"
    fi

    export VIRTUAL_ENV="${NHRI_VENV}"
    export PATH="${NHRI_VENV}/bin:${PATH}"
    cd "${NHRI_ROOT}" || nhri_die "cannot enter ${NHRI_ROOT}"
}

#!/bin/sh
# Set up everything QueueScope needs on Debian/Ubuntu, then open the app or run the tests.
#   sh scripts/dev.sh app [ARGS...]   set up, then open the window (or run a CLI subcommand)
#   sh scripts/dev.sh test [ARGS...]  set up, then run the whole test suite
set -eu
cd "$(dirname "$0")/.."
mode=${1:-app}
[ $# -gt 0 ] && shift

# Qt's shared libraries on a minimal Debian; a real window also needs the xcb ones.
packages="libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3"
# The redis queue's own server (--queue redis). Debian 12 ships 7.0; it needs 6.2 or newer
# (BLMOVE), which the redis-server wheel on PyPI (6.0) is not.
packages="$packages redis-server"
if [ "$mode" = test ]; then
    packages="$packages desktop-file-utils"  # the desktop entry is validated by a test
fi
if [ "$mode" = app ]; then
    packages="$packages libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
    # Chinese glyphs for View → Language → 简体中文; a bare Debian has Latin fonts only.
    packages="$packages fonts-wqy-microhei"
fi
python3 -c 'import ensurepip, venv' 2>/dev/null || packages="$packages python3-venv"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for package in $packages; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing="$missing $package"
    done
fi
if [ -n "$missing" ]; then
    echo "Installing Debian packages:$missing"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
    else
        echo "Please install these Debian packages first:$missing" >&2
        exit 1
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# Reinstall only when the dependencies changed.
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    touch .venv/.installed
fi
# The window's translations load from .qm files compiled from the .ts kept in the repo.
sh scripts/translations.sh compile

case "$mode" in
    app)
        exec .venv/bin/python main.py "$@"
        ;;
    test)
        export QT_QPA_PLATFORM=offscreen
        .venv/bin/ruff check .
        .venv/bin/ruff format --check .
        .venv/bin/mypy
        .venv/bin/lint-imports
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        echo "usage: sh scripts/dev.sh app|test [ARGS...]" >&2
        exit 2
        ;;
esac

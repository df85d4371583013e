#!/bin/sh
# Build the one-folder bundle: dist/queuescope/queuescope (about 160 MB, ~30 s here).
# Needs the set-up .venv (sh scripts/dev.sh test or app once).
set -eu
cd "$(dirname "$0")/.."
.venv/bin/python -m pip install -q "pyinstaller>=6.10,<7"
# The bundle ships the compiled translations (.qm), never committed either.
sh scripts/translations.sh compile
# The executable's icon (.ico, .icns) is rendered from the SVG, never committed.
.venv/bin/python scripts/render_icons.py build/icons
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/queuescope.spec
echo "built dist/queuescope/queuescope"

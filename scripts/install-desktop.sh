#!/bin/sh
# Install QueueScope's desktop entry and icons (the SVG plus PNGs rendered from
# it, for menus that only take raster icons) for the current user, so the app
# appears in the desktop's menu. Run after `sh scripts/dev.sh app` has set up .venv.
#   sh scripts/install-desktop.sh            install
#   sh scripts/install-desktop.sh --uninstall
set -eu
cd "$(dirname "$0")/.."
app_id=io.github.queuescope.QueueScope
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/$app_id.desktop"
hicolor="$data/icons/hicolor"
icon_dir="$hicolor/scalable/apps"
# Must match SIZES in scripts/render_icons.py.
sizes="16 24 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$entry" "$icon_dir/$app_id.svg"
    for size in $sizes; do
        rm -f "$hicolor/${size}x$size/apps/$app_id.png"
    done
    echo "Removed $entry"
    exit 0
fi

launcher="$(pwd)/.venv/bin/queuescope"
if [ ! -x "$launcher" ]; then
    echo "No $launcher yet: run 'sh scripts/dev.sh app' once first." >&2
    exit 1
fi
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
.venv/bin/python scripts/render_icons.py "$rendered"
mkdir -p "$data/applications" "$icon_dir"
cp resources/queuescope.svg "$icon_dir/$app_id.svg"
for size in $sizes; do
    mkdir -p "$hicolor/${size}x$size/apps"
    cp "$rendered/queuescope-$size.png" "$hicolor/${size}x$size/apps/$app_id.png"
done
# The entry's Exec names the launcher in this checkout's virtual environment.
sed "s|^Exec=.*|Exec=\"$launcher\"|" "resources/$app_id.desktop" > "$entry"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$entry"
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data/applications" || true
fi
echo "Installed $entry"

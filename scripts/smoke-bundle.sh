#!/bin/sh
# Build the PyInstaller bundle and check that it runs the post's loops with
# spawn workers: a correct strategy ends ok, a deadlocking one gets its verdict,
# and no process of the bundle outlives it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build-bundle.sh
bundle="$(pwd)/dist/queuescope/queuescope"
export QT_QPA_PLATFORM=offscreen

check() {  # check NAME EXPECTED_OUTCOME ARGS...
    name=$1; expected=$2; shift 2
    out=$("$bundle" run "$@" --json)
    outcome=$(printf '%s' "$out" | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["outcome"])')
    if [ "$outcome" != "$expected" ]; then
        echo "bundle smoke: $name ended $outcome, expected $expected" >&2
        printf '%s\n' "$out" >&2
        exit 1
    fi
    echo "bundle smoke: $name -> $outcome"
}

check "sentinel-per-worker" ok --strategy sentinel-per-worker --items 1000 --workers 3 --start-method spawn
check "seed-single-sentinel" deadlock --strategy seed-single-sentinel --items 100 --workers 8 --start-method spawn
"$bundle" strategies >/dev/null

# The window opens in Chinese for a Chinese locale: the bundle carries the app's
# catalogs and Qt's own. Settings go to a scratch folder, not the user's.
scratch=$(mktemp -d)
shown=$(XDG_CONFIG_HOME="$scratch" LC_ALL= LC_MESSAGES= LANGUAGE= LANG=zh_CN.UTF-8 \
    QUEUESCOPE_EXIT_ON_FIRST_PAINT=1 "$bundle" 2>/dev/null | grep '^language ' || true)
rm -rf "$scratch"
if [ "$shown" != "language zh_CN missing 0" ]; then
    echo "bundle smoke: the window did not open in Chinese: '$shown'" >&2
    exit 1
fi
echo "bundle smoke: window in zh_CN with every catalog"

# No process started from the bundle may be left (workers, manager, helpers).
sleep 1
left=""
for exe in /proc/[0-9]*/exe; do
    target=$(readlink "$exe" 2>/dev/null || true)
    case "$target" in "$bundle") left="$left ${exe#/proc/}" ;; esac
done
if [ -n "$left" ]; then
    echo "bundle smoke: processes left behind:$left" >&2
    exit 1
fi
echo "bundle smoke: ok, no process left"

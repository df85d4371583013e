#!/bin/sh
# The window's translations (English source, Simplified Chinese), kept as Qt .ts files.
#   sh scripts/translations.sh update   re-extract the strings after changing user-visible text
#   sh scripts/translations.sh compile  build the .qm files the app loads (setup and bundle do this)
# Core text is marked with core.text.translatable (Qt-free), hence the alias.
set -eu
cd "$(dirname "$0")/.."
bin=.venv/bin
dir=${TRANSLATIONS_DIR:-resources/translations}  # tests check a copy
case "${1:-}" in
    update)
        # The English catalog holds only the plural forms of the "%n" strings.
        "$bin/pyside6-lupdate" gui/*.py core/*.py core/*/*.py -tr-function-alias QT_TRANSLATE_NOOP+=translatable \
            -locations none -no-obsolete -source-language en -target-language en -pluralonly \
            -ts "$dir/queuescope_en.ts"
        "$bin/pyside6-lupdate" gui/*.py core/*.py core/*/*.py -tr-function-alias QT_TRANSLATE_NOOP+=translatable \
            -locations none -no-obsolete -source-language en -target-language zh_CN \
            -ts "$dir/queuescope_zh_CN.ts"
        ;;
    compile)
        for ts in "$dir"/*.ts; do
            qm="${ts%.ts}.qm"
            [ "$qm" -nt "$ts" ] && continue  # up to date: app start-up stays fast
            "$bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
        done
        ;;
    *)
        echo "usage: sh scripts/translations.sh update|compile" >&2
        exit 2
        ;;
esac

"""Languages: the app's translations, Qt's own (standard dialogs), and the saved choice.

English is the source language. The .ts files live in resources/translations and are
compiled to .qm by setup (scripts/dev.sh) and by the bundle build, or on first use
when neither ran; a catalog that cannot be loaded leaves the window in English and
says so on stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QStandardPaths,
    QTranslator,
)

import resources
from gui.settings_store import home_problem

LANGUAGE_KEY = "view/language"
FOLLOW_SYSTEM = ""
SOURCE_LANGUAGE = "en"
# Each language is named in itself, as language menus do.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
CATALOG = "queuescope"
# The window translates core text (strategy titles, diagnosis, ...) in this context.
CORE_CONTEXT = "core"


def system_language() -> str:
    """The supported language closest to the system locale: Simplified Chinese or English."""
    locale = QLocale.system()
    if (
        locale.language() == QLocale.Language.Chinese
        and locale.script() != QLocale.Script.TraditionalChineseScript
    ):
        return "zh_CN"
    return SOURCE_LANGUAGE


def saved_language(settings: QSettings) -> str:
    """The language chosen in View → Language, or FOLLOW_SYSTEM."""
    value = settings.value(LANGUAGE_KEY, FOLLOW_SYSTEM)
    return value if isinstance(value, str) and value in LANGUAGES else FOLLOW_SYSTEM


def save_language(settings: QSettings, language: str) -> None:
    if language != FOLLOW_SYSTEM and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    settings.setValue(LANGUAGE_KEY, language)


def effective_language(settings: QSettings) -> str:
    return saved_language(settings) or system_language()


@dataclass
class Translations:
    """The translators installed for one language; remove() uninstalls them."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def remove(self) -> None:
        for translator in self.translators:
            QCoreApplication.removeTranslator(translator)
        self.translators.clear()


def catalog_path(language: str, directory: Path | None = None) -> Path:
    folder = directory if directory is not None else resources.path("translations")
    return folder / f"{CATALOG}_{language}.qm"


def compiled_catalog(language: str, directory: Path | None = None) -> Path:
    """The .qm to load: the one setup compiled, else one compiled now from the .ts.

    A plain `pip install .` ships the .ts only; PySide6's lrelease then compiles
    it once into the user's cache, and again whenever the .ts is newer.
    """
    qm = catalog_path(language, directory)
    if qm.exists():
        return qm
    ts = qm.with_suffix(".ts")
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not ts.exists() or not lrelease.exists() or home_problem(os.environ, "XDG_CACHE_HOME"):
        return qm  # no cache at / or in a HOME that does not exist
    cache = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation))
    cached = cache / "translations" / qm.name
    if not cached.exists() or cached.stat().st_mtime < ts.stat().st_mtime:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [str(lrelease), "-silent", str(ts), "-qm", str(cached)],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return qm
    return cached


def install(language: str, directory: Path | None = None) -> Translations:
    """Install the app's and Qt's translations for `language` (a LANGUAGES key).

    English installs the app's catalog too: it holds the English plural forms of the
    "%n" strings. Qt's own catalog exists only for the other languages. `directory`
    holds the app's catalogs (default: the resources' translations folder).
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    QLocale.setDefault(QLocale(language))
    installed = Translations(language)
    app_catalog = QTranslator()
    catalog = compiled_catalog(language, directory)
    if app_catalog.load(str(catalog)):
        QCoreApplication.installTranslator(app_catalog)
        installed.translators.append(app_catalog)
    else:
        installed.missing.append(str(catalog))
    if language != SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_catalog = QTranslator()
        if qt_catalog.load(QLocale(language), "qtbase", "_", qt_dir):
            QCoreApplication.installTranslator(qt_catalog)
            installed.translators.append(qt_catalog)
        else:
            installed.missing.append(f"{qt_dir}/qtbase_{language}.qm")
    for path in installed.missing:
        # Not a Qt warning: the window still works, in English.
        print(f"QueueScope: translation not found: {path}", file=sys.stderr)
    return installed


def core_text(text: str) -> str:
    """A core string marked with core.text.translatable, in the current language."""
    return QCoreApplication.translate(CORE_CONTEXT, text)


def restart_command() -> tuple[str, list[str]]:
    """Program and arguments that start this app again (View → Language, Restart now)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, list(sys.orig_argv[1:])

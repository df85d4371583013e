"""The raster icons rendered from the SVG at install and build time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QImageReader

import resources

SCRIPT = resources.RESOURCES_DIR.parent / "scripts" / "render_icons.py"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(outdir: Path, *svg: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(outdir), *svg],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("icons")
    done = render(outdir)
    assert done.returncode == 0, done.stdout + done.stderr
    return outdir


@pytest.mark.parametrize("size", PNG_SIZES)
def test_every_png_size_is_rendered(rendered: Path, size: int) -> None:
    image = QImage(str(rendered / f"queuescope-{size}.png"))
    assert not image.isNull()
    assert image.size() == QSize(size, size)
    assert image.hasAlphaChannel()
    # The badge fills the middle; its rounded corners leave the corner see-through.
    assert image.pixelColor(size // 2, size // 2).alpha() == 255
    assert image.pixelColor(0, 0).alpha() < 255


def test_the_ico_holds_every_windows_size(rendered: Path) -> None:
    reader = QImageReader(str(rendered / "queuescope.ico"))
    assert reader.format().data() == b"ico"
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255
        sizes.append(image.width())
    assert tuple(sizes) == ICO_SIZES


def test_the_icns_is_readable(rendered: Path) -> None:
    image = QImageReader(str(rendered / "queuescope.icns")).read()
    assert image.size() == QSize(512, 512)


@pytest.mark.parametrize("content", [None, "<svg><rect", "not svg"])
def test_an_unreadable_svg_fails_in_one_line(tmp_path: Path, content: str | None) -> None:
    svg = tmp_path / "broken.svg"
    if content is not None:
        svg.write_text(content, encoding="utf-8")
    outdir = tmp_path / "out"
    done = render(outdir, str(svg))
    assert done.returncode == 1
    assert done.stderr.startswith("render_icons: ") and done.stderr.count("\n") == 1
    assert not outdir.exists()

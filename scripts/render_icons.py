"""Render the application icon into the raster files platforms need.

    python scripts/render_icons.py OUTDIR [SVG]

Writes queuescope-<size>.png for every size in SIZES, a multi-size
queuescope.ico (Windows) and a queuescope.icns (macOS). The outputs are
generated at install or build time and never committed; the SVG is the source.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

# Rendering needs no window; keep Qt from looking for a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMessageLogContext,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

SVG = Path(__file__).resolve().parent.parent / "resources" / "queuescope.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # an ICO entry is at most 256 px
ICNS_SIZE = 512


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def encode(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, fmt.encode())
    if not writer.write(image):
        raise RuntimeError(f"cannot encode {fmt}: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico(images: list[QImage]) -> bytes:
    """One ICO holding every image.

    Qt's ICO writer stores a single image per file, so each size is encoded
    by Qt and the entries are joined under one directory.
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    entries = b""
    payloads = b""
    offset = len(header) + 16 * len(images)
    for image in images:
        single = encode(image, "ico")
        # A single-image ICO: 6-byte header, one 16-byte entry, then the data.
        entry = bytearray(single[6:22])
        size, own_offset = struct.unpack_from("<II", entry, 8)
        struct.pack_into("<I", entry, 12, offset)
        entries += bytes(entry)
        payloads += single[own_offset : own_offset + size]
        offset += size
    return header + entries + payloads


def load(svg: Path) -> QSvgRenderer:
    """The renderer for svg; raises ValueError with a one-line reason."""
    try:
        svg.open("rb").close()
    except OSError as error:
        raise ValueError(f"cannot read {svg}: {error.strerror}") from None
    # Qt logs why a file does not parse; keep that for the one-line error.
    messages: list[str] = []

    def collect(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        messages.append(message)

    previous = qInstallMessageHandler(collect)
    try:
        renderer = QSvgRenderer(str(svg))
    finally:
        qInstallMessageHandler(previous)
    if not renderer.isValid():
        reason = messages[0].splitlines()[0] if messages else "not a valid SVG"
        raise ValueError(f"not a valid SVG: {reason}")
    return renderer


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: render_icons.py OUTDIR [SVG]", file=sys.stderr)
        return 2
    outdir = Path(argv[1])
    try:
        renderer = load(Path(argv[2]) if len(argv) == 3 else SVG)
    except ValueError as error:
        print(f"render_icons: {error}", file=sys.stderr)
        return 1
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    outdir.mkdir(parents=True, exist_ok=True)
    images = {size: render(renderer, size) for size in SIZES}
    for size, image in images.items():
        (outdir / f"queuescope-{size}.png").write_bytes(encode(image, "png"))
    (outdir / "queuescope.ico").write_bytes(ico([images[size] for size in ICO_SIZES]))
    # Qt's ICNS writer also stores one image; 512 px covers the Dock and Finder.
    (outdir / "queuescope.icns").write_bytes(encode(images[ICNS_SIZE], "icns"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""QR codes for page URLs, as SVG (for pages and print) and PNG (to download).

Made with segno (pure Python, no dependencies), error correction level M, the
standard 4-module quiet zone, and no automatic error-level boost, so the symbol
depends only on the URL. Same URL, same bytes: neither writer adds a timestamp.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

SVG_SCALE = 4  # px per module in the SVG's width/height attributes (it scales freely)
PNG_SCALE = 10  # px per module in the PNG


@dataclass(frozen=True)
class QrCode:
    url: str
    svg: bytes
    png: bytes
    modules: int  # symbol size including the quiet zone
    svg_size: int  # the SVG's width = height, in px
    png_size: int


def make(url: str, title: str = "二维码") -> QrCode:
    qr = segno.make(url, error="m", boost_error=False, micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    qr.save(svg, kind="svg", scale=SVG_SCALE, border=4, xmldecl=False, title=title, svgclass="qr",
            lineclass=None, nl=False)
    qr.save(png, kind="png", scale=PNG_SCALE, border=4)
    modules = qr.symbol_size(scale=1, border=4)[0]
    return QrCode(url, svg.getvalue(), png.getvalue(), modules, modules * SVG_SCALE, modules * PNG_SCALE)

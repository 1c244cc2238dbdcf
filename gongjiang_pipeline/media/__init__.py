"""Images of the public site, computed without Pelican.

One module per concern:

* :mod:`.portraits`: candidate photos -> upright, metadata-free 3:4 portraits in
  several widths, WebP and JPEG; problems become Chinese messages naming the
  candidate file and the photo.
* :mod:`.cards`: 1200x630 share cards (Open Graph images) for craftsmen and lists.
* :mod:`.fonts`: finding a font that really has the CJK glyphs a card needs (the
  checks are remembered per font file, ``cache/media/fonts/coverage.json``).
* :mod:`.qr`: QR codes (SVG and PNG) for page URLs, cached like the images.
* :mod:`.cache`: a content-addressed cache (``cache/media/``) so that a rebuild
  with unchanged inputs decodes no image, renders no glyph and encodes no QR code;
  one index file per kind, every file checked against its SHA-256 when published.
* :mod:`.parallel`: running the work on every core.
* :mod:`.stats`: what a build did (counts, warnings), for the CLI and tests.

The Pelican adapter (``plugins/gongjiang_site/media.py``) decides which pages
exist and copies the files into the site.
"""

from ..errors import GongjiangError


class MediaError(GongjiangError):
    """An image could not be made for a reason other than its data (disk, cache, a worker that died)."""

"""The site's public address (``SITEURL``): what canonical links, the sitemap, feeds,
QR codes, share cards, badges and certificates point to.

The address is the setting ``GONGJIANG_CANONICAL_BASE`` of ``pelican.conf.py``, or
``SITEURL=...`` on the ``make`` command line (``--siteurl``), which wins. Links inside
the site stay root-relative (``/craftsmen/...``), so the address is a scheme and a
host only, without a path.

A build may use the placeholder (a preview is not published); publishing may not
(:func:`require_public`): a QR code printed on a product must lead to the real site.
Pure: no Pelican.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError

SETTING = "GONGJIANG_CANONICAL_BASE"
PLACEHOLDER = "https://gongjiang.example.org"  # pelican.conf.py until the real domain is set
# names that never belong to a public site (RFC 2606 and RFC 6761)
_RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
_RESERVED_NAMES = ("example.org", "example.com", "example.net", "localhost")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")


class SiteUrlError(UsageError):
    """The site address is missing, malformed, or a placeholder where a real one is needed."""


def normalise(value: str, where: str) -> str:
    """``value`` as ``https://host`` (no trailing slash); a :class:`SiteUrlError`
    naming ``where`` (the setting or option it came from) when it is not an address."""
    text = value.strip()
    if not text:
        raise SiteUrlError(f"没有设置网站地址（{where}）：请写成 https://域名，例如 SITEURL=https://gongjiang.bjzgh.org")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SiteUrlError(f"网站地址「{text}」（{where}）不是网址：请写成 https://域名，例如 SITEURL=https://gongjiang.bjzgh.org")
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password:
        raise SiteUrlError(
            f"网站地址「{text}」（{where}）只能是 https://域名，不能带路径、参数或用户名："
            "网站内的链接都从域名的根目录开始（/craftsmen/…），网站必须放在域名的根目录下"
        )
    host = parts.hostname
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def is_placeholder(base: str) -> bool:
    """True for the placeholder of pelican.conf.py and for names and addresses that
    never belong to a public site (example.org, *.test, localhost, 127.0.0.1, 10.x ...)."""
    host = urlsplit(base).hostname or ""
    if base == PLACEHOLDER or host in _RESERVED_NAMES or host.endswith(_RESERVED_SUFFIXES):
        return True
    if any(host.endswith("." + name) for name in _RESERVED_NAMES):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return not _HOST.match(host)  # a single label (intranet name) is not a public address
    return not ip.is_global


def require_public(value: str, where: str) -> str:
    """The normalised address, or a :class:`SiteUrlError` when it is missing, malformed,
    a placeholder, or plain http (what ``make publish`` and certificates need)."""
    base = normalise(value, where)
    if is_placeholder(base):
        raise SiteUrlError(
            f"网站地址还是占位地址 {base}（{where}），不能发布：二维码、分享图片、徽标、订阅和网站地图都会指向这个地址。"
            "请在 pelican.conf.py 中把 GONGJIANG_CANONICAL_BASE 改为网站的正式地址，"
            "或在命令中给出，例如 make publish SITEURL=https://gongjiang.bjzgh.org PUBLISH_TARGET=…"
        )
    if base.startswith("http://"):
        raise SiteUrlError(
            f"网站地址 {base}（{where}）不是 https 地址：正式网站请使用 https，"
            f"例如 SITEURL={'https://' + base[len('http://'):]}"
        )
    return base


def resolve(option: str | None, settings: dict) -> tuple[str, str]:
    """The address given on the command line, else the setting of pelican.conf.py, and
    where it came from (for messages)."""
    if option is not None:
        return option, "SITEURL"
    return str(settings.get(SETTING, "")), f"pelican.conf.py 的 {SETTING}"


_LOC = re.compile(rb"<loc>([^<]*)</loc>")


def built_with(site: Path) -> str | None:
    """The address a built site was made for, read from its sitemap (every page's
    absolute URL); None when the site has no sitemap or the sitemap lists no page."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return None
    m = _LOC.search(sitemap.read_bytes())
    if m is None:
        return None
    parts = urlsplit(m.group(1).decode("utf-8"))
    return f"{parts.scheme}://{parts.netloc}"


def require_built_for(site: Path, base: str) -> None:
    """A :class:`SiteUrlError` unless ``site`` was built for ``base`` (so a site built
    with the placeholder, or for another address, is never published)."""
    made = built_with(site)
    if made == base:
        return
    if made is None:
        raise SiteUrlError(f"{site} 中的网站没有网站地图（sitemap.xml），无法确认它是按网站地址 {base} 生成的：请先运行 make html SITEURL={base}")
    raise SiteUrlError(
        f"{site} 中的网站是按网站地址 {made} 生成的，不是 {base}：其中的链接、二维码和分享图片都指向 {made}。"
        f"请运行 make publish SITEURL={base}（会先按这个地址重新生成）"
    )

"""Certificates (证书): one print-ready A4 landscape PDF per named honoree.

Only an approved honour roll produces certificates: the edition must have its
``approval.yaml`` and the engine's 北京大工匠 and 提名奖 lists must be final
(:func:`honorees` raises :class:`CertificateError` with a Chinese message
otherwise). The PDFs go to a staff folder (``certificates/<edition>/`` at the
project root, git-ignored), never into the public site.

Made with fpdf2, which embeds a subset of the CJK font (also OpenType/CFF fonts
such as Noto Sans CJK, from a .ttc collection), so the text is real, selectable
text. The font is the one the share cards use (:func:`media.fonts.find_cjk_font`,
setting ``GONGJIANG_CJK_FONT``). The QR code is the project's own
(:func:`media.qr.make`) for the craftsman's official page.

Same inputs, same bytes: the creation date is the approval date (00:00 Beijing
time), and fpdf2 derives the file ID from the content.

An honour revoked after the naming (candidate file ``revoked:``) gets no certificate.

Certificate number (证书编号): ``BJGJ-<edition>-<D|N>-<nnn>``: ``D`` for
北京大工匠, ``N`` for 提名奖, ``nnn`` the serial part of the candidate id (the
candidate id's part after the edition, e.g. 2016-048 → 048). It depends only on
the edition, the honour and the candidate, so it never changes when others are
added or removed; it is also the badge code shown in the craftsman page's 核验
section.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import GongjiangError

TITLES = {"craftsmen": "北京大工匠", "nomination_award": "北京大工匠提名奖"}
LETTERS = {"craftsmen": "D", "nomination_award": "N"}
BEIJING = dt.timezone(dt.timedelta(hours=8))
ISSUER = "北京市总工会"


class CertificateError(GongjiangError):
    """The edition cannot have certificates (yet); the message says why, in Chinese."""


def certificate_number(edition_id: str, list_key: str, candidate_id: str) -> str:
    serial = candidate_id.split("-", 1)[1] if candidate_id.startswith(edition_id + "-") else candidate_id
    return f"BJGJ-{edition_id}-{LETTERS[list_key]}-{serial}"


@dataclass(frozen=True)
class Honoree:
    candidate_id: str
    name: str
    title: str  # 北京大工匠 / 北京大工匠提名奖
    list_key: str  # craftsmen / nomination_award
    occupation: str
    employer: str
    number: str
    approved: dt.date
    meeting: str
    document: str | None
    edition_name: str


def honorees(project, edition_id: str) -> list[Honoree]:
    """The named honorees of an approved edition, 北京大工匠 first, each list in rank order."""
    if edition_id not in project.editions:
        raise CertificateError(f"没有届次「{edition_id}」。现有届次：{'、'.join(project.editions)}")
    data = project.editions[edition_id]
    if data.approval is None:
        raise CertificateError(
            f"届次 {edition_id} 尚未审定命名（缺少 data/results/{edition_id}/approval.yaml），不能制作证书"
        )
    result = project.result(edition_id)
    for key in TITLES:
        sl = result.lists.get(key)
        if sl is None or sl.status != "final":
            why = f"：{sl.note}" if sl is not None and sl.note else ""
            raise CertificateError(f"届次 {edition_id} 的{TITLES[key]}名单尚未确定{why}，不能制作证书")
    a, ed = data.approval, data.edition
    occupations = {o.id: o.name for o in ed.occupations}
    out = []
    for key, title in TITLES.items():
        for cid in result.lists[key].entries:
            c = data.candidate(cid)
            if c.revoked is not None:  # an honour withdrawn after the naming gets no certificate
                continue
            out.append(Honoree(cid, c.name, title, key, occupations[c.occupation], c.employer,
                               certificate_number(edition_id, key, cid), a.date, a.meeting, a.document, ed.name))
    return out


def _date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def render(h: Honoree, page_url: str, font: tuple[str, int], bold: tuple[str, int] | None = None) -> bytes:
    """One certificate as PDF bytes. ``font``/``bold``: (font file, face index in a collection)."""
    from fpdf import FPDF

    from .media import qr as qrlib

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(dt.datetime.combine(h.approved, dt.time(0, 0), BEIJING))
    pdf.set_title(f"{h.title}证书 · {h.name}")
    pdf.set_author(ISSUER)
    pdf.set_subject(f"证书编号 {h.number}")
    pdf.set_lang("zh-CN")
    pdf.add_font("cjk", "", font[0], collection_font_number=font[1])
    b = bold or font
    pdf.add_font("cjk", "B", b[0], collection_font_number=b[1])
    pdf.add_page()
    w, ht = pdf.w, pdf.h  # 297 x 210
    red, gold = (178, 34, 34), (191, 144, 0)
    # frame: two lines, red outside, gold inside
    pdf.set_draw_color(*red)
    pdf.set_line_width(2.0)
    pdf.rect(10, 10, w - 20, ht - 20)
    pdf.set_draw_color(*gold)
    pdf.set_line_width(0.6)
    pdf.rect(15, 15, w - 30, ht - 30)

    def line(y: float, text: str, size: float, style: str = "", color=(0, 0, 0)) -> None:
        pdf.set_font("cjk", style, size)
        pdf.set_text_color(*color)
        pdf.set_xy(20, y)
        pdf.cell(w - 40, size * 0.45, text, align="C")

    line(30, "荣 誉 证 书", 40, "B", red)
    line(62, h.name, 34, "B")
    honour = "被命名为“北京大工匠”" if h.list_key == "craftsmen" else "荣获“北京大工匠”提名奖"
    line(88, f"{h.occupation} · {h.employer}", 16)
    line(104, f"在{h.edition_name}中，{honour}。", 18)
    line(120, "特发此证，以资鼓励。", 16)
    line(136, h.title, 22, "B", red)
    # issuer and date (right), number (left), QR code (left bottom)
    pdf.set_font("cjk", "", 15)
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(w - 120, 160)
    pdf.cell(95, 8, ISSUER, align="C")
    pdf.set_xy(w - 120, 170)
    pdf.cell(95, 8, f"{_date_text(h.approved)}（{h.meeting}审定）", align="C")
    if h.document:
        pdf.set_font("cjk", "", 11)
        pdf.set_xy(w - 120, 180)
        pdf.cell(95, 6, h.document, align="C")
    code = qrlib.make(page_url)
    pdf.image(io.BytesIO(code.png), x=24, y=148, w=36, h=36, alt_text=f"二维码：{page_url}")
    pdf.set_font("cjk", "", 11)
    pdf.set_xy(62, 162)
    pdf.cell(100, 6, f"证书编号：{h.number}")
    pdf.set_xy(62, 170)
    pdf.cell(100, 6, "扫码核验：")
    pdf.set_font("cjk", "", 8)
    pdf.set_xy(62, 177)
    pdf.cell(120, 5, page_url)
    return bytes(pdf.output())


def write_all(items: list[Honoree], out_dir: Path, page_url: Callable[[Honoree], str],
              font: tuple[str, int], bold: tuple[str, int] | None = None) -> list[Path]:
    """Write ``<number>.pdf`` for every honoree into ``out_dir``; unchanged files are not rewritten."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for h in items:
        path = out_dir / f"{h.number}.pdf"
        data = render(h, page_url(h), font, bold)
        if not path.is_file() or path.read_bytes() != data:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        written.append(path)
    return written

"""Certificates (证书): `python -m gongjiang_pipeline certificates <edition>` (make certificates).

Over the scratch project of tests/scratch.py (2099-001 张建国 named 北京大工匠,
2099-003 王秀兰 提名奖): the PDFs' text (pdftotext), fonts (pdffonts), page size
(pdfinfo) and QR code (rendered with pdftoppm, decoded with zxing-cpp); byte-identical
output; the exact errors when the edition has no approved honour roll.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from gongjiang_pipeline.certificates import certificate_number
from gongjiang_pipeline.cli import main
from scratch import ScratchProject

ROOT = Path(__file__).resolve().parent.parent
URL = "https://gongjiang.example.org/craftsmen/{}/"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")


def project(tmp_path: Path) -> ScratchProject:
    p = ScratchProject(tmp_path / "project").write_stages()
    shutil.copy(ROOT / "pelican.conf.py", p.path("pelican.conf.py"))
    return p


def run(p: ScratchProject, capsys, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--root", str(p.root), "certificates", *extra])
    out = capsys.readouterr()
    return rc, out.out, out.err


def tool(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The certificates of 2099, made once into the default folder."""
    tmp = tmp_path_factory.mktemp("certs")
    p = project(tmp)
    rc = main(["--root", str(p.root), "certificates", "2099"])
    assert rc == 0
    return p, p.path("certificates/2099")


def test_certificate_number_scheme():
    assert certificate_number("2016", "craftsmen", "2016-048") == "BJGJ-2016-D-048"
    assert certificate_number("2016", "nomination_award", "2016-018") == "BJGJ-2016-N-018"


def test_one_pdf_per_honoree_in_the_staff_folder(made, capsys, tmp_path):
    p, out = made
    assert sorted(f.name for f in out.iterdir()) == ["BJGJ-2099-D-001.pdf", "BJGJ-2099-N-003.pdf"]
    assert not p.path("output").exists()  # never the public site
    rc, stdout, stderr = run(p, capsys, "2099", "--output", str(tmp_path / "again"))
    assert (rc, stderr) == (0, "")
    assert stdout == f"已制作 2 份证书（北京大工匠 1 份，提名奖 1 份）：{tmp_path / 'again'}\n"


@needs_poppler
@pytest.mark.parametrize("number, name, title, occupation", [
    ("BJGJ-2099-D-001", "张建国", "北京大工匠", "焊工"),
    ("BJGJ-2099-N-003", "王秀兰", "北京大工匠提名奖", "钳工"),
])
def test_text_is_real_selectable_text(made, number, name, title, occupation):
    _, out = made
    text = tool("pdftotext", "-layout", str(out / f"{number}.pdf"), "-")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "荣誉证书" in lines
    assert name in lines
    assert title in lines
    assert any(line.startswith(occupation + " · ") for line in lines)
    assert f"证书编号：{number}" in text
    assert "2099年6月15日（市总工会主席办公会审定）" in text
    honour = "被命名为“北京大工匠”" if number[10] == "D" else "荣获“北京大工匠”提名奖"
    assert f"在测试届次中，{honour}。" in lines


@needs_poppler
def test_cjk_font_is_embedded_as_a_subset(made):
    _, out = made
    rows = tool("pdffonts", str(out / "BJGJ-2099-D-001.pdf")).splitlines()[2:]
    assert rows, "no font in the PDF"
    for row in rows:
        cols = row.split()
        assert "CJK" in cols[0] and "+" in cols[0], row  # subset tag, e.g. MPDFAA+NotoSansCJKSC
        assert cols[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni


@needs_poppler
def test_page_is_a4_landscape(made):
    _, out = made
    info = tool("pdfinfo", str(out / "BJGJ-2099-N-003.pdf"))
    assert "Pages:           1\n" in info
    assert "Page size:       841.89 x 595.28 pts (A4)" in info


@needs_poppler
@pytest.mark.parametrize("number, slug", [("BJGJ-2099-D-001", "zhang-jianguo"), ("BJGJ-2099-N-003", "wang-xiulan")])
def test_qr_code_decodes_to_the_craftsman_page(made, tmp_path, number, slug):
    _, out = made
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(out / f"{number}.pdf"), str(tmp_path / "page")],
                   check=True)
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png").convert("L"))]
    assert found == [URL.format(slug)]


def test_same_inputs_give_byte_identical_pdfs(made, capsys, tmp_path):
    p, out = made
    assert run(p, capsys, "2099", "--output", str(tmp_path / "b"))[0] == 0
    for f in out.iterdir():
        assert (tmp_path / "b" / f.name).read_bytes() == f.read_bytes(), f.name


def test_unknown_edition(tmp_path, capsys):
    p = project(tmp_path)
    assert run(p, capsys, "2098") == (1, "", "没有届次「2098」。现有届次：2099\n")


def test_no_approval_file(tmp_path, capsys):
    p = project(tmp_path)
    p.path("data/results/2099/approval.yaml").unlink()
    assert run(p, capsys, "2099") == (
        1, "", "届次 2099 尚未审定命名（缺少 data/results/2099/approval.yaml），不能制作证书\n")
    assert not p.path("certificates").exists()


def test_lists_pending(tmp_path, capsys):
    p = project(tmp_path)
    text = p.path("data/results/2099/objections.yaml").read_text("utf-8")
    p.path("data/results/2099/objections.yaml").write_text(
        text.replace("outcome: 不成立", "outcome: 核查中").replace("    decided: 2099-06-06\n", ""), "utf-8")
    assert run(p, capsys, "2099") == (
        1, "", "届次 2099 的北京大工匠名单尚未确定：王秀兰（2099-003） 的公示期异议尚在核查，名单暂缓公布，不能制作证书\n")
    assert not p.path("certificates").exists()

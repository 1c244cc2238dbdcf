"""The Content-Security-Policy: one setting (GONGJIANG_CSP), delivered as a <meta> on
every page and as the generated _headers and nginx-csp.conf; the pages need nothing
it forbids (no inline script, style or handler). The browser side (no violation on
any page, a violating page caught) is in tests/test_browser_site.py and
tests/test_quality_checks_fail.py."""

from __future__ import annotations

import ast
import html
import re

import pytest
from sitekit import ROOT, SiteProject

from gongjiang_pipeline import csp
from gongjiang_pipeline.errors import GongjiangError

META_PREFIX = '<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="'


def _conf_policy() -> str:
    tree = ast.parse((ROOT / "pelican.conf.py").read_text("utf-8"))
    (value,) = [n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "GONGJIANG_CSP"]
    return ast.literal_eval(value)


def test_the_setting_is_the_default_and_strict():
    policy = _conf_policy()
    assert policy == csp.DEFAULT_POLICY
    csp.check_policy(policy)
    found = dict(csp.directives(policy))
    assert found["default-src"] == ["'self'"]
    assert found["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly; no JS eval
    assert found["style-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"] and found["base-uri"] == ["'self'"]
    assert found["form-action"] == ["'self'"] and found["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy


def test_meta_leaves_out_header_only_directives():
    policy = "default-src 'self';  frame-ancestors 'none'; script-src 'self'; report-uri /r; sandbox"
    assert csp.meta_policy(policy) == "default-src 'self'; script-src 'self'"
    assert csp.header_policy(policy) == "default-src 'self'; frame-ancestors 'none'; script-src 'self'; report-uri /r; sandbox"


def test_header_files():
    policy = "default-src 'self'; frame-ancestors 'none'"
    assert csp.headers_file(policy) == (
        "# 由 make html 生成（pelican.conf.py 中的 GONGJIANG_CSP），请勿手工修改；见 docs/site.md\n"
        "/*\n"
        "  Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
    )
    assert csp.nginx_snippet(policy).splitlines()[2:] == [
        "add_header Content-Security-Policy \"default-src 'self'; frame-ancestors 'none'\" always;",
        'add_header X-Content-Type-Options "nosniff" always;',
        'add_header Referrer-Policy "strict-origin-when-cross-origin" always;',
    ]


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("", "GONGJIANG_CSP 不能为空：网站的每个页面都需要内容安全策略（Content-Security-Policy）"),
        ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'",
         "GONGJIANG_CSP 缺少 base-uri：请按 docs/site.md“Content-Security-Policy”一节填写"),
        (csp.DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
         "GONGJIANG_CSP 的 style-src 中不允许 'unsafe-inline'：网站不使用内联脚本和样式，也不从其他网站加载脚本"),
        (csp.DEFAULT_POLICY.replace("script-src 'self'", "script-src 'self' https: 'unsafe-eval'"),
         "GONGJIANG_CSP 的 script-src 中不允许 https:、'unsafe-eval'：网站不使用内联脚本和样式，也不从其他网站加载脚本"),
        (csp.DEFAULT_POLICY + '; report-uri "/x"', "GONGJIANG_CSP 应写在一行内，不能含有双引号或逗号"),
    ],
)
def test_bad_policies_are_refused(policy, message):
    with pytest.raises(csp.PolicyError) as exc:
        csp.check_policy(policy)
    assert str(exc.value) == message


def test_build_uses_the_setting_everywhere(tmp_path):
    site = SiteProject(tmp_path / "project")
    policy = csp.DEFAULT_POLICY.replace("img-src 'self' data:", "img-src 'self'")
    out = site.build("2099-12-31", tmp_path / "out", GONGJIANG_CSP=policy)
    meta = META_PREFIX + html.escape(csp.meta_policy(policy), quote=True).replace("&#x27;", "&#39;") + '">\n'
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        assert page.read_text("utf-8").count('http-equiv="Content-Security-Policy"') == 1, page
        assert meta in page.read_text("utf-8"), page
    assert (out / "_headers").read_text("utf-8") == csp.headers_file(policy)
    assert (out / "nginx-csp.conf").read_text("utf-8") == csp.nginx_snippet(policy)


def test_build_refuses_an_unsafe_policy(tmp_path):
    site = SiteProject(tmp_path / "project")
    with pytest.raises(GongjiangError) as exc:
        site.build("2099-12-31", tmp_path / "out", GONGJIANG_CSP="default-src *")
    assert str(exc.value) == "GONGJIANG_CSP 缺少 script-src：请按 docs/site.md“Content-Security-Policy”一节填写"
    assert not (tmp_path / "out").exists()


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_sample_pages_need_nothing_the_policy_forbids(sample_site):
    """No inline script (JSON data blocks would be allowed; the site has none), no
    <style>, no style attribute, no event handler, in any page or SVG of the sample site."""
    files = sorted(p for p in sample_site.rglob("*") if p.suffix in (".html", ".svg") and "pagefind" not in p.parts)
    assert len(files) > 100
    found = {str(p.relative_to(sample_site)): INLINE.findall(p.read_text("utf-8")) for p in files}
    assert {k: v for k, v in found.items() if v} == {}

"""The site's Content-Security-Policy, in the three forms it is delivered in (pure; no Pelican).

The policy is one setting, ``GONGJIANG_CSP`` in pelican.conf.py. Every page carries it
as ``<meta http-equiv="Content-Security-Policy">`` (theme/templates/base.html and the
poster); for servers that set response headers the build also writes a
Netlify/Cloudflare Pages style ``_headers`` file and an nginx snippet into the output
root (docs/site.md, "Content-Security-Policy").

A ``<meta>`` policy cannot carry ``frame-ancestors``, ``report-uri``, ``report-to`` or
``sandbox`` (browsers ignore them there and Chromium logs a warning), so
:func:`meta_policy` leaves those out; the header forms carry the whole policy.
"""

from __future__ import annotations

# The same text as GONGJIANG_CSP in pelican.conf.py (tests/test_csp.py keeps them equal):
# the default for a project whose settings do not name one.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# directives that only work in a response header
HEADER_ONLY = ("frame-ancestors", "report-uri", "report-to", "sandbox")
# sources that would let injected markup run or style the page: never in our policy
FORBIDDEN = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


class PolicyError(ValueError):
    """GONGJIANG_CSP is not a policy this site accepts."""


def directives(policy: str) -> list[tuple[str, list[str]]]:
    """``policy`` as ``[(name, [sources])]`` in its order; names lower-cased."""
    out = []
    for part in policy.split(";"):
        words = part.split()
        if words:
            out.append((words[0].lower(), words[1:]))
    return out


def check_policy(policy: str) -> None:
    """Raise :class:`PolicyError` (Chinese) when the policy is empty, lacks a
    ``default-src`` or ``script-src``, or allows inline or foreign script/style."""
    found = dict(directives(policy))
    if any(c in policy for c in '"\r\n,'):
        raise PolicyError("GONGJIANG_CSP 应写在一行内，不能含有双引号或逗号")
    if not found:
        raise PolicyError("GONGJIANG_CSP 不能为空：网站的每个页面都需要内容安全策略（Content-Security-Policy）")
    for name in ("default-src", "script-src", "style-src", "object-src", "base-uri"):
        if name not in found:
            raise PolicyError(f"GONGJIANG_CSP 缺少 {name}：请按 docs/site.md“Content-Security-Policy”一节填写")
    for name, sources in found.items():
        bad = [s for s in sources if s.lower() in FORBIDDEN]
        if bad:
            raise PolicyError(
                f"GONGJIANG_CSP 的 {name} 中不允许 {'、'.join(bad)}：网站不使用内联脚本和样式，也不从其他网站加载脚本"
            )


def _join(parts: list[tuple[str, list[str]]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in parts)


def meta_policy(policy: str) -> str:
    """The policy for ``<meta http-equiv>``: without the header-only directives."""
    return _join([(n, s) for n, s in directives(policy) if n not in HEADER_ONLY])


def header_policy(policy: str) -> str:
    """The whole policy, normalised (one space between words, ``; `` between directives)."""
    return _join(directives(policy))


# other response headers the two header files set (same for every file)
EXTRA_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "strict-origin-when-cross-origin"))


def headers_file(policy: str) -> str:
    """``_headers`` (Netlify, Cloudflare Pages): the policy on every path."""
    lines = ["# 由 make html 生成（pelican.conf.py 中的 GONGJIANG_CSP），请勿手工修改；见 docs/site.md", "/*"]
    lines.append(f"  Content-Security-Policy: {header_policy(policy)}")
    lines += [f"  {name}: {value}" for name, value in EXTRA_HEADERS]
    return "\n".join(lines) + "\n"


def nginx_snippet(policy: str) -> str:
    """An nginx snippet to ``include`` in the site's ``server`` or ``location`` block."""
    lines = [
        "# 由 make html 生成（pelican.conf.py 中的 GONGJIANG_CSP），请勿手工修改；见 docs/site.md",
        "# 在 nginx 的 server { ... } 中写 include /网站目录/nginx-csp.conf; 修改后需 nginx -s reload",
        f'add_header Content-Security-Policy "{header_policy(policy)}" always;',
    ]
    lines += [f'add_header {name} "{value}" always;' for name, value in EXTRA_HEADERS]
    return "\n".join(lines) + "\n"

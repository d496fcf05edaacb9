"""Render the report model (model.py) through jinja2 templates into report.md and report.html.

report.html is one self-contained file: the data as JSON in a <script type="application/json"> block (escaped
so that no string can close it), the page's own script and style inlined and allowed by their SHA-256 in a
Content-Security-Policy that forbids everything else (no network, no other script, images only from data:).
report.md is the short summary; every value printed into it goes through `md` (Markdown and control
characters shown as text).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

# Characters with a meaning in CommonMark/GFM inline or block syntax; escaped with a backslash (CommonMark
# allows a backslash before any ASCII punctuation).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&$])")
# C0 and C1 control characters (terminal escapes start with ESC 0x1b or CSI 0x9b), DEL, and the Unicode line
# and paragraph separators: shown as \xNN / \uNNNN text, never emitted raw.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MD_CELL_MAX = 300  # characters of one value in report.md (the CSVs hold the rest); a cut says so


def visible_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                        f"\\u{ord(m.group()):04x}", text)


def md(value: object, limit: int = MD_CELL_MAX) -> str:
    """Any value as inert Markdown text on one line."""
    text = "" if value is None else str(value)
    cut = len(text) > limit
    text = visible_controls(text[:limit] if cut else text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text + (f" … ({len(str(value)):,} characters)" if cut else "")


def num(value: Any, digits: int = 3) -> str:
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return ""


def embed_json(data: Any) -> Markup:
    """JSON safe inside a <script> element: '<', '>', '&' and the JS line separators as \\u escapes, so that
    `</script>` or `<!--` in any string cannot end or change the element."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN/inf somewhere: JSON has no such numbers, the page shows them as empty
        text = json.dumps(_finite(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _template_text(name: str) -> str:
    return resources.files("reconcile.report").joinpath("templates", name).read_text(encoding="utf-8")


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reconcile.report", "templates"),
        autoescape=autoescape, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
        # report.md: every {{ value }} is Markdown-escaped unless marked safe (autoescaping for Markdown)
        finalize=None if autoescape else (lambda v: v if isinstance(v, Markup) else md(v)),
    )
    env.filters["num"] = lambda v, d=3: Markup(num(v, d))
    env.filters["md"] = lambda v, limit=MD_CELL_MAX: Markup(md(v, limit))
    return env


def render_markdown(model: dict[str, Any], summary: dict[str, Any]) -> str:
    return _environment(autoescape=False).get_template("report.md.j2").render(m=model, s=summary)


def page_script() -> str:
    """The page's one inline script: templates/js/*.js in name order, inside one strict-mode function."""
    folder = resources.files("reconcile.report").joinpath("templates", "js")
    parts = sorted((p for p in folder.iterdir() if p.name.endswith(".js")), key=lambda p: p.name)
    return "(function () {\n  'use strict';\n" + "".join(p.read_text(encoding="utf-8") for p in parts) + "})();\n"


def render_html(model: dict[str, Any]) -> str:
    script, style = page_script(), _template_text("report.css")
    csp = ("default-src 'none'; script-src " + csp_hash(script) + "; style-src " + csp_hash(style)
           + "; img-src data:; connect-src 'none'; font-src 'none'; object-src 'none'; media-src 'none'; "
           "frame-src 'none'; worker-src 'none'; form-action 'none'; base-uri 'none'")
    env = _environment(autoescape=True)
    return env.get_template("report.html.j2").render(
        m=model, data=embed_json(model), script=Markup(script), style=Markup(style), csp=csp)

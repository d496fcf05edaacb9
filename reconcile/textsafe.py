"""Text that is safe to echo: terminal control sequences and undecodable characters shown, not executed.

Feed values reach the terminal in error messages and in `reconcile explain`; an ESC byte in a value must not
move the cursor or recolour the screen, and a lone surrogate must not crash the print.
"""
from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _show(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, newlines: bool = True) -> str:
    """Control characters (C0, C1, DEL; bidi overrides; lone surrogates) as visible escapes. Newlines and tabs
    are kept when `newlines` (multi-line messages), escaped otherwise."""
    text = str(text)
    out = _UNSAFE.sub(_show, text)
    if not newlines:
        out = out.replace("\n", "\\n").replace("\t", "\\t")
    return out


def is_printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text if ch not in "\n\t")

"""Text from documents and file names, made safe to print on a terminal.

A document can hold escape sequences (``ESC ] 0;title BEL`` retitles the window, ``ESC [2J``
clears it, C1 controls do the same on some terminals), bidirectional overrides that reorder what
a reader sees, and a file name can hold bytes that are not UTF-8 (kept by Python as lone
surrogates, which cannot be written to a UTF-8 stream at all). Everything derived from the
corpus passes through ``clean`` before it reaches a terminal; each such character is shown
visibly as its escape (``\\x1b``, ``\\u202e``, ``\\xe9`` for an undecodable byte), and
ipsearch's own colour codes are added after cleaning, so they are the only ones that pass.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")

# C0 controls (but tab and newline, which print as layout), DEL, C1 controls, Unicode
# bidirectional embeddings, overrides and isolates, and lone surrogates (undecodable bytes of a
# file name under surrogateescape).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def _escape(m: re.Match) -> str:
    c = m.group()
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def clean(text: str, keep: str = "", multiline: bool = True) -> str:
    """``text`` with every control character escaped visibly; ``keep`` lists ones to pass.

    ``multiline=False`` also escapes tab and newline, for values shown on one line (file names).
    """
    pattern = _UNSAFE if multiline else _UNSAFE_LINE
    if not pattern.search(text):
        return text
    if not keep:
        return pattern.sub(_escape, text)
    return pattern.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


def clean_all(obj: T, keep: str = "") -> T:
    """A copy of ``obj`` (dataclass, list, tuple, dict, str) with every string cleaned."""
    return _clean(obj, keep)


def _clean(obj: Any, keep: str) -> Any:
    if isinstance(obj, str):
        return clean(obj, keep)
    if isinstance(obj, (list, tuple)):
        items = [_clean(x, keep) for x in obj]
        return type(obj)(items) if not hasattr(obj, "_fields") else type(obj)(*items)
    if isinstance(obj, dict):
        return {_clean(k, keep): _clean(v, keep) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {
            f.name: _clean(getattr(obj, f.name), keep) for f in dataclasses.fields(obj) if f.init
        }
        return dataclasses.replace(obj, **changes)
    return obj


# JSON keeps every character of a string, escaped where a terminal would act on it: json.dumps
# with ensure_ascii=False escapes C0 controls but leaves C1, bidi controls and lone surrogates raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_safe(dumped: str) -> str:
    """Output of ``json.dumps(..., ensure_ascii=False)`` with terminal-active characters as
    ``\\uXXXX`` escapes (they can only occur inside strings, so the JSON stays equivalent)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)

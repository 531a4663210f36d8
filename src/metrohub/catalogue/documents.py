"""Method document codes (JJG / JJF / GB and local codes): one canonical form.

`JJG 52—2013`, `JJG52-2013` and `jjg 52-2013` are one code, stored as `JJG 52—2013` (em dash, as
printed). Local codes keep their region: `JJG(渝) 12—2020`.
"""

import re

PREFIXES = ("GB/T", "GB/Z", "GB", "JJG", "JJF", "JB/T", "JB", "QB/T", "HJ", "YY/T", "YY", "SN/T")
_PREFIX = "|".join(re.escape(p) for p in PREFIXES)
DASHES = "-—–－―‐‑_"
_CODE = re.compile(
    rf"^\s*(?P<prefix>{_PREFIX})\s*(?:[(（]\s*(?P<region>[\u4e00-\u9fff]{{1,3}})\s*[)）])?"
    rf"\s*(?P<number>\d+(?:\.\d+)*)\s*(?:[{DASHES}]\s*(?P<year>\d{{4}}))?\s*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[;；,，、\n]+")


class DocumentCodeError(ValueError):
    pass


def parse_document_code(text: str, *, year_required: bool = True) -> str:
    """The canonical form of one code; DocumentCodeError if it is not one."""
    match = _CODE.match(text or "")
    if not match:
        raise DocumentCodeError("format")
    if year_required and not match["year"]:
        raise DocumentCodeError("year")
    prefix = match["prefix"].upper()
    region = f"({match['region']})" if match["region"] else ""
    year = f"—{match['year']}" if match["year"] else ""
    return f"{prefix}{region} {match['number']}{year}"


def split_document_codes(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def query_code_prefix(text: str) -> str | None:
    """For search: `JJG 52` → `JJG 52—` (so it does not also find JJG 520), `jjg52-2013` →
    `JJG 52—2013`; None when the text is not a document code."""
    match = _CODE.match(text or "")
    if not match:
        return None
    code = parse_document_code(text, year_required=False)
    return code if match["year"] else code + "—"

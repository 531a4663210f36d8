"""What a reader sees on a Chinese page, and the internal codes that must never be among it.

Used by the URL × role grid tests (every page rendered in Chinese is read with these rules) and by
anyone who wants to check a page by hand. Users read Chinese labels: a role, stage or state code,
a snake_case identifier, an untranslated English message or a date with a missing day (``?日``)
on a page is a defect.
"""

import re
from functools import lru_cache
from html.parser import HTMLParser

# Elements whose content is not read as text: code and machine data are shown as such on purpose.
_SKIPPED = {
    "script",
    "style",
    "template",
    "noscript",
    "code",
    "pre",
    "kbd",
    "samp",
    "svg",
    "textarea",
}
# Attributes a reader sees (tooltips, placeholders, the labels screen readers speak).
_READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
}  # fmt: skip

SNAKE_CASE = re.compile(r"(?<![\w@./:#-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@]|\.\w)")
# An English sentence or label: three words or more, most of them lower case.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[a-z]+){2,}\b")
WORD = re.compile(r"(?<![\w@./:#-])[a-z]{3,}(?![\w@]|\.\w)")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping: list[str] = []
        self._hidden_depth = 0
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _SKIPPED:
            self._skipping.append(tag)
            return
        # translate="no" marks what is kept as written (login names, identifiers): not a label.
        hidden = (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or attrs.get("translate") == "no"
        )
        if tag not in _VOID:
            self._stack.append((tag, hidden))
            self._hidden_depth += hidden
        if self._skipping or self._hidden_depth:
            return
        for name in _READ_ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        # Close up to the matching element (HTML lets some end tags be implied).
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                for _tag, hidden in self._stack[index:]:
                    self._hidden_depth -= hidden
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping and not self._hidden_depth and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The text nodes and read attributes of a page, in order, without scripts or code."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.chunks


@lru_cache(maxsize=1)
def internal_codes() -> frozenset[str]:
    """Every code a model's choices or a rule pack uses: roles, stages, states, kinds."""
    from django.apps import apps

    from metrohub.rulepacks.services import registry

    codes: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("metrohub."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    codes.add(value)
    for pack in registry():
        codes.update(role.code for role in pack.roles)
        codes.update(stage.code for stage in pack.stages)
        codes.update(transition.name for transition in pack.transitions)
    return frozenset(code for code in codes if re.fullmatch(r"[a-z][a-z0-9_]{2,}", code))


@lru_cache(maxsize=1)
def _english_messages() -> frozenset[str]:
    """English messages the catalogues translate: seen verbatim on a Chinese page, one was missed."""
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parent.parent
    messages = set()
    for path in root.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            msgid = entry.msgid.strip()
            translated = entry.msgstr and entry.msgstr != entry.msgid
            plain = "%" not in msgid and "{" not in msgid
            if translated and plain and re.search(r"[a-z]{3}", msgid):
                messages.add(msgid)
    return frozenset(messages)


def code_problems(html: str) -> list[str]:
    """What a Chinese reader would stumble on in this page: one line per finding."""
    problems = []
    codes = internal_codes()
    english = _english_messages()
    for chunk in visible_text(html):
        if "?日" in chunk:
            problems.append(f"a date without its day: {chunk!r}")
        if chunk in english:
            problems.append(f"untranslated message {chunk!r}")
            continue
        for token in SNAKE_CASE.findall(chunk):
            problems.append(f"snake_case token {token!r} in {chunk!r}")
        phrases = ENGLISH_PHRASE.findall(chunk)
        for phrase in phrases:
            problems.append(f"English text {phrase!r} in {chunk!r}")
        if not phrases:
            for word in WORD.findall(chunk):
                if word in codes and "_" not in word:
                    problems.append(f"internal code {word!r} in {chunk!r}")
    return list(dict.fromkeys(problems))

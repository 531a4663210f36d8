"""The one- and two-character grams of a search text, indexed for the terms trigram indexes cannot
serve (`中心`, `温度 上海`: three characters at least): by a GIN index on PostgreSQL, by an FTS5
table of them on SQLite (search_index.GRAMS_TABLE).

Only runs of non-ASCII characters are cut into grams: Latin words and numbers of one or two
characters are too common to be worth an index, and longer terms have the trigram index. A term
of one or two such characters is a substring of a text exactly when it is one of the text's
grams, so the lookup needs no recheck of its own.
"""

import re

# A run of characters that are neither ASCII nor white space.
_RUN = re.compile(r"[^\x00-\x7f\s]+")
SEPARATOR = " "


def search_grams(text: str) -> str:
    """The distinct grams of the text's non-ASCII runs, sorted, separated by spaces."""
    grams: set[str] = set()
    for run in _RUN.findall(text or ""):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return SEPARATOR.join(sorted(grams))


def is_gram(term: str) -> bool:
    """Whether the grams answer the term exactly (one or two non-ASCII characters)."""
    return 0 < len(term) <= 2 and _RUN.fullmatch(term) is not None

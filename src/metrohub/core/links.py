"""Links of a list's rows, reversed once per page and filled in row by row.

`reverse()` walks the URL resolver on every call (tens of microseconds on a loaded machine); a
worklist of 100 rows with a link per row and one per step spent more time reversing than on the
rest of its rows. A `Route` reverses its URL once, with marker arguments, and fills a row's
arguments into that text. An argument that is not a plain id or code (one that reverse() would
quote or refuse) goes through reverse() itself, so a link is never other than reverse() makes it.
"""

import re

from django.urls import reverse

# digits, so that an int converter accepts it, and unlike any route's own text
_MARK = "73059182640"
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+\Z")


class Route:
    """`Route("cases:transition", 2)(case.pk, "accept")` == `reverse("cases:transition",
    args=[case.pk, "accept"])`. Build one per request: reverse() reads the request's script
    prefix."""

    def __init__(self, name: str, arity: int = 1):
        self.name = name
        text = reverse(name, args=[f"{_MARK}{i}" for i in range(arity)])
        text = text.replace("{", "{{").replace("}", "}}")
        for i in reversed(range(arity)):
            mark = f"{_MARK}{i}"
            if text.count(mark) != 1:
                raise ValueError(f"cannot build a route of {name!r} from {text!r}")
            text = text.replace(mark, f"{{{i}}}")
        self.text = text

    def __call__(self, *args) -> str:
        if all(_plain(a) for a in args):
            return self.text.format(*args)
        return reverse(self.name, args=args)


def _plain(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and bool(_PLAIN.match(value))

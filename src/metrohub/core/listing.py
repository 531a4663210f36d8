"""Search, filters and sorting of a list page, declared once per list and read from the query string.

A list declares what may be asked of it (`Listing`): the fields its search box reads, its filters
(each with the choices it accepts) and the columns it may be sorted by. Anything else in the query
string is ignored, so a crafted URL can neither sort by an unindexed or private column nor filter
on a field the list does not offer. The cleaned parameters come back as one query string, the form
a saved view stores and an export repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

#: the longest search text read; longer text is refused with a message, never cut silently
MAX_SEARCH = 100
#: the longest value of a free-text filter
MAX_VALUE = 64

#: every list, by name (the name a saved view is kept under)
LISTINGS: dict[str, Listing] = {}


@dataclass(frozen=True)
class Filter:
    param: str
    label: object
    #: the queryset narrowed to rows matching `value` (already checked against the choices)
    apply: Callable[[QuerySet, str], QuerySet]
    #: the accepted (value, label) pairs, read from the scoped queryset; None: free text
    choices: Callable[[QuerySet], list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class Sort:
    param: str
    label: object
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    name: str
    #: the list page's URL name (a saved view opens it)
    url_name: str
    #: the fields the search box reads (any contains the text), or a function of the text
    search: tuple[str, ...] | Callable[[QuerySet, str], QuerySet]
    filters: tuple[Filter, ...]
    sorts: tuple[Sort, ...]
    #: the order when none is asked for
    default_order: tuple[str, ...] = ("-pk",)

    def __post_init__(self):
        LISTINGS[self.name] = self

    def apply(self, queryset: QuerySet, params) -> Listed:
        listed = Listed(listing=self)
        queryset = self._search(queryset, params, listed)
        base = queryset
        for spec in self.filters:
            queryset = self._filter(base, queryset, spec, params, listed)
        listed.queryset = queryset.order_by(*self._order(params, listed))
        return listed

    def _search(self, queryset, params, listed):
        text = _clean(params.get("q", ""))
        if len(text) > MAX_SEARCH:
            listed.errors.append(
                _("Search: at most %(n)d characters (%(got)d given).")
                % {"n": MAX_SEARCH, "got": len(text)}
            )
            return queryset
        listed.q = text
        if not text:
            return queryset
        if callable(self.search):
            return self.search(queryset, text)
        return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": text}) for f in self.search)))

    def _filter(self, base, queryset, spec, params, listed):
        value = _clean(params.get(spec.param, ""))
        choices = spec.choices(base) if spec.choices else None
        listed.controls.append(Control(spec=spec, value=value, choices=choices))
        if not value:
            return queryset
        accepted = len(value) <= MAX_VALUE and (
            choices is None or value in {v for v, _label in choices}
        )
        if not accepted:
            listed.errors.append(_("%(field)s: no such choice.") % {"field": spec.label})
            listed.controls[-1].value = ""
            return queryset
        listed.selected[spec.param] = value
        return spec.apply(queryset, value)

    def _order(self, params, listed) -> tuple[str, ...]:
        asked = _clean(params.get("sort", ""))
        descending = asked.startswith("-")
        sort = next((s for s in self.sorts if s.param == asked.lstrip("-")), None)
        if sort is None:
            return self.default_order
        listed.sort = asked
        listed.sort_param, listed.descending = sort.param, descending
        flip = "-" if descending else ""
        # the primary key last, so that pages never overlap when the sorted column ties
        return (*(_flip(f, flip) for f in sort.fields), _flip("-pk", flip))


@dataclass
class Control:
    spec: Filter
    value: str
    choices: list[tuple[str, str]] | None


@dataclass
class Listed:
    listing: Listing
    queryset: QuerySet | None = None
    q: str = ""
    sort: str = ""
    sort_param: str = ""
    descending: bool = False
    selected: dict[str, str] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def query(self) -> str:
        """The cleaned parameters as a query string (no page): what a saved view keeps."""
        pairs = [("q", self.q)] if self.q else []
        pairs += list(self.selected.items())
        if self.sort:
            pairs.append(("sort", self.sort))
        return urlencode(pairs)

    @property
    def sorts(self) -> list[dict]:
        """Each sortable column with the query string that sorts by it (a second click flips)."""
        out = []
        for sort in self.listing.sorts:
            current = sort.param == self.sort_param
            param = f"-{sort.param}" if current and not self.descending else sort.param
            pairs = [("q", self.q)] if self.q else []
            pairs += [*self.selected.items(), ("sort", param)]
            out.append(
                {
                    "label": sort.label,
                    "query": urlencode(pairs),
                    "current": current,
                    "descending": current and self.descending,
                }
            )
        return out


def _flip(name: str, flip: str) -> str:
    if not flip:
        return name
    return name[1:] if name.startswith("-") else f"-{name}"


def _clean(value) -> str:
    """A parameter as text: trimmed, lone surrogates (which no database stores) taken out."""
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text.strip() if not 0xD800 <= ord(ch) <= 0xDFFF)


def exact(lookup: str) -> Callable[[QuerySet, str], QuerySet]:
    return lambda queryset, value: queryset.filter(**{lookup: value})


def page_context(user, listed: Listed, *, export_url: str = "") -> dict:
    """What `includes/listing.html` shows: the controls, the person's own saved views, export."""
    from metrohub.accounts.models import SavedView

    # a visitor who is not signed in reads the list but keeps no views
    views = (
        list(SavedView.objects.filter(user=user, list_name=listed.listing.name))
        if user.is_authenticated
        else None
    )
    return {
        "listed": listed,
        "saved_views": views,
        "export_url": export_url,
        "query": listed.query,
    }


def export_rows(queryset, row, *, cap: int):
    """The rows of an export, at most `cap`, and whether more were left out."""
    rows = [row(item) for item in queryset[: cap + 1]]
    return rows[:cap], len(rows) > cap

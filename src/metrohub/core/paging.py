"""Paging for lists that grow to national size: the count is bounded.

Django's Paginator counts every row to show "page 1 of N"; over ten million certificates that
count alone takes seconds. `BoundedPaginator` counts at most `cap` rows (a LIMIT inside the COUNT),
so a page costs the same whatever the table's size; past the cap the page says "more than".
"""

from functools import cached_property

from django.core.paginator import Paginator

CAP = 10_000


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or CAP

    @cached_property
    def count(self) -> int:
        # COUNT over a LIMIT subquery, unordered: stops after cap + 1 rows, sorts nothing, and
        # computes none of the columns annotated for the rows shown (only the ids are selected)
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def bounded(self) -> bool:
        """True when there are more rows than counted (the page count is a lower bound)."""
        return self.count > self.cap


def bounded_page(queryset, per_page: int, number, *, cap: int | None = None):
    """One page of `queryset` (ordered), counted up to `cap` rows."""
    return BoundedPaginator(queryset, per_page, cap=cap).get_page(number)

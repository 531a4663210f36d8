"""The navigation: which entries each person sees, from their permissions.

Apps add entries here; the context processor filters them per request.
"""

from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Promise | str
    url_name: str
    permission: str | None = None  # None: shown to everyone
    public: bool = True  # shown to anonymous visitors when no permission is required
    # The person's own pages (an expert's profile, an organisation's instruments): shown on the
    # role's rule, not on a platform administrator's blanket permissions, whose click answered 404.
    personal: bool = False


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Organisations"), "organisations:list", "organisations.view_directory"),
    NavItem(_("People"), "accounts:people", "accounts.view_people"),
    NavItem(_("Event log"), "eventlog:list", "eventlog.view_events"),
    NavItem(_("Experts"), "experts:registry", "experts.view_registry"),
    NavItem(_("My expert profile"), "experts:me", "experts.edit_own_profile", personal=True),
    NavItem(_("My panels"), "panels:mine", "experts.edit_own_profile", personal=True),
    NavItem(_("Deadlines"), "legaltime:deadline"),
    NavItem(_("Rule packs"), "rulepacks:list"),
    NavItem(_("Capabilities"), "catalogue:search"),
    NavItem(_("Cases"), "cases:worklist", "cases.view_cases"),
    NavItem(_("Obligations"), "cases:obligations", "cases.view_obligations"),
    NavItem(_("Public notices"), "cases:notices"),
    NavItem(_("API"), "api:openapi-view"),
]


def register(item: NavItem) -> None:
    if item not in ITEMS:
        ITEMS.append(item)


def _may(user, item: NavItem) -> bool:
    if item.personal:
        return rules.has_perm(item.permission, user)
    return user.has_perm(item.permission)


def visible_items(user) -> list[dict]:
    items = []
    for item in ITEMS:
        if item.permission is None or _may(user, item):
            items.append(
                {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
            )
    return items

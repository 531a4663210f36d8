"""The list of every case a person may see: its search, filters and sortable columns."""

import weakref

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrohub.cases.models import Obligation
from metrohub.cases.services import clock
from metrohub.core.listing import Filter, Listing, Sort, exact
from metrohub.organisations.models import Jurisdiction


def _english() -> bool:
    return (get_language() or "").startswith("en")


# the packs of a list's scoped queryset, read once for the stage and the programme filters
_PACKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _packs(queryset):
    """Each (pack, version, kind) in the list, read once, as the engine sees it."""
    if queryset not in _PACKS:
        _PACKS[queryset] = _read_packs(queryset)
    return _PACKS[queryset]


def _read_packs(queryset):
    from metrohub.rulepacks.services import registry

    keys = queryset.order_by().values_list("rulepack_code", "rulepack_version", "kind").distinct()
    out = []
    for code, version, kind in keys:
        try:
            out.append((code, kind, registry().get(code, version).for_kind(kind)))
        except KeyError:
            continue
    return out


def _kind_choices(_queryset):
    # the kinds every pack defines: a known kind with no case in the list narrows it to none,
    # it is not an unknown value
    from metrohub.rulepacks.services import registry

    names = {}
    for pack in registry():
        for kind in pack.kinds():
            names.setdefault(kind, pack.kind_name(kind)[1 if _english() else 0])
    return sorted(names.items(), key=lambda pair: pair[1])


def _stage_choices(queryset):
    # every stage of the procedures in the list, reached by a case yet or not
    names = {}
    for _code, _kind, pack in _packs(queryset):
        for stage in pack.stages:
            names.setdefault(stage.code, stage.name_en if _english() else stage.name_zh)
    return sorted(names.items(), key=lambda pair: pair[1])


def _pack_choices(queryset):
    titles = {}
    for code, _kind, pack in _packs(queryset):
        titles.setdefault(code, pack.pack.title_en if _english() else pack.pack.title_zh)
    return sorted(titles.items(), key=lambda pair: pair[1])


def _region_choices(queryset):
    regions = Jurisdiction.objects.filter(pk__in=queryset.order_by().values("jurisdiction_id"))
    return [(j.code, j.display_name) for j in regions]


def _district_choices(queryset):
    districts = Jurisdiction.objects.filter(pk__in=queryset.order_by().values("district_id"))
    return [(j.code, j.display_name) for j in districts.order_by("code")]


def overdue_cases(queryset, _value):
    """Cases with a live maximum deadline past its due date (marked overdue or not yet)."""
    late = Obligation.objects.filter(case=OuterRef("pk")).filter(
        Q(state=Obligation.State.OVERDUE)
        | Q(state=Obligation.State.OPEN, kind="maximum", due_on__lt=clock.today())
    )
    return queryset.filter(Exists(late))


OVERDUE = [("1", _("overdue only"))]

CASES = Listing(
    name="cases",
    url_name="cases:worklist",
    search=("center_name", "center_name_en", "applicant__name", "center__code"),
    filters=(
        Filter("kind", _("Kind"), exact("kind"), _kind_choices),
        Filter("stage", _("Stage"), exact("state"), _stage_choices),
        Filter("region", _("Region"), exact("jurisdiction__code"), _region_choices),
        Filter("district", _("District"), exact("district__code"), _district_choices),
        Filter("pack", _("Programme"), exact("rulepack_code"), _pack_choices),
        Filter("overdue", _("Overdue"), overdue_cases, lambda _qs: OVERDUE),
        Filter("center", _("Center code"), exact("center__code")),
    ),
    sorts=(
        Sort("filed_on", _("Filed on"), ("filed_on",)),
        Sort("center", _("Center name"), ("center_name",)),
        Sort("stage", _("Stage"), ("state",)),
    ),
)


def overdue_obligations(queryset, _value):
    return queryset.filter(
        Q(state=Obligation.State.OVERDUE)
        | Q(state=Obligation.State.OPEN, kind="maximum", due_on__lt=clock.today())
    )


def _obligation_state_choices(_queryset):
    return [(value, str(label)) for value, label in Obligation.State.choices]


def _obligation_pack_choices(queryset):
    from metrohub.cases.models import Case

    return _pack_choices(Case.objects.filter(pk__in=queryset.order_by().values("case_id")))


def _obligation_district_choices(queryset):
    from metrohub.cases.models import Case

    return _district_choices(Case.objects.filter(pk__in=queryset.order_by().values("case_id")))


OBLIGATIONS = Listing(
    name="obligations",
    url_name="cases:obligations",
    search=("case__center_name", "case__center__code", "article"),
    filters=(
        Filter("kind", _("Kind"), exact("case__kind"), _kind_choices),
        Filter("state", _("State"), exact("state"), _obligation_state_choices),
        Filter("pack", _("Programme"), exact("case__rulepack_code"), _obligation_pack_choices),
        Filter("overdue", _("Overdue"), overdue_obligations, lambda _qs: OVERDUE),
        Filter(
            "district", _("District"), exact("case__district__code"), _obligation_district_choices
        ),
        Filter("center", _("Center code"), exact("case__center__code")),
    ),
    sorts=(
        Sort("due", _("Due"), ("due_on",)),
        Sort("center", _("Center name"), ("case__center_name",)),
    ),
    default_order=("due_on", "pk"),
)

"""Calendars: a person's obligations as an iCalendar feed at a secret address they can revoke
and renew, and a center's duty calendar, public as the center's profile is.

Only live obligations are listed (open or overdue): what someone still has to do. The engine has
no hearing of its own (docs/lifecycle.md: neither Chongqing version holds one in the revocation),
so the feed lists none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.calendars.models import CalendarFeed
from metrohub.cases.models import Obligation
from metrohub.eventlog.services import append_event

LIVE = (Obligation.State.OPEN, Obligation.State.OVERDUE)
#: the most events a feed carries (soonest due first)
FEED_LIMIT = 500


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed(*, user) -> str:
    """A new secret address for the person's feed (the previous one stops working); returns the
    token, shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
        append_event(subject=f"user:{user.pk}", action="calendar_feed.issued", actor=user)
    return token


def revoke_feed(*, user) -> bool:
    with transaction.atomic():
        deleted, _n = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            append_event(subject=f"user:{user.pk}", action="calendar_feed.revoked", actor=user)
    return bool(deleted)


def feed_user(token: str):
    """The person whose feed `token` opens, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def _responsible(user) -> Q:
    """The obligations whose responsible role the person holds for the case (as
    `cases.services.scope.acts_for` reads a role assignment)."""
    q = Q(pk__in=[])
    for a in assignments(user):
        if a.role in (Role.PROGRAMME_REGULATOR, Role.COMPETENT_AUTHORITY):
            ids = a.jurisdiction.descendant_ids()
            where = Q(case__jurisdiction_id__in=ids) | Q(case__district_id__in=ids)
            q |= Q(responsible_role=a.role) & where
        elif a.role == Role.DISTRICT_REGULATOR:
            q |= Q(responsible_role=a.role, case__district_id__in=a.jurisdiction.descendant_ids())
        elif a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR) and a.organisation_id:
            q |= Q(responsible_role=a.role, case__applicant_id=a.organisation_id)
    return q


def my_obligations(user):
    return (
        Obligation.objects.filter(_responsible(user), state__in=LIVE)
        .select_related("case")
        .order_by("due_on", "pk")
    )


SUPERVISING = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR)


def supervises(user) -> bool:
    return any(a.role in SUPERVISING for a in assignments(user))


def supervised_obligations(user):
    """A regulator's supervision calendar: every live obligation of the cases in the bureau's
    scope, whoever answers for it (the centers' reports and rectifications, the bureau's own
    inspections and decisions). None for anyone else."""
    if not supervises(user):
        return Obligation.objects.none()
    from metrohub.cases.services.scope import cases_for

    return (
        Obligation.objects.filter(case__in=cases_for(user), state__in=LIVE)
        .select_related("case")
        .order_by("due_on", "pk")
    )


def center_duties(center):
    """A center's duties the packs' schedules opened (annual reports, the yearly inspection, the
    review…): routine dates, public as the center is; a rectification ordered after an
    inspection is not among them."""
    return (
        Obligation.objects.filter(
            case__center=center, state__in=LIVE, opened_by__startswith="schedule:"
        )
        .select_related("case")
        .order_by("due_on", "pk")
    )


def my_district_reports(user):
    """The yearly inspection reports the person's district bureau has still to submit."""
    from metrohub.inspections.models import DistrictReport

    ids: set[int] = set()
    for a in assignments(user):
        if a.role == Role.DISTRICT_REGULATOR:
            ids |= a.jurisdiction.descendant_ids()
    return (
        DistrictReport.objects.filter(district_id__in=ids, state=DistrictReport.State.DRAFT)
        .select_related("district", "deadline")
        .order_by("deadline__due", "pk")
    )


def obligation_name(o: Obligation) -> str:
    try:
        return o.case.pack.deadline(o.code).name_zh
    except KeyError:
        return o.case.pack.kind_name(o.case.kind)[0]


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Metrohub//Obligations//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(uid: str, day: dt.date, summary: str, description: str, stamp, url: str = "") -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", description)
    if url:
        ev.add("url", url)
    return ev


def obligation_event(o: Obligation, url: str = "") -> Event:
    return _event(
        f"obligation-{o.pk}@metrohub",
        o.due_on,
        f"{obligation_name(o)} · {o.case.center_name}",
        _("Due; citing %(article)s") % {"article": o.article},
        o.opened_at,
        url,
    )


def personal_calendar(user, *, link=lambda o: "") -> bytes:
    """The person's live obligations and, for a district bureau, its yearly inspection reports
    still to submit."""
    cal = _calendar(_("My obligations"))
    for o in my_obligations(user)[:FEED_LIMIT]:
        cal.add_component(obligation_event(o, link(o)))
    for r in my_district_reports(user)[:FEED_LIMIT]:
        cal.add_component(
            _event(
                f"district-inspection-report-{r.pk}@metrohub",
                r.deadline.due,
                _("District inspection report for %(year)d · %(district)s")
                % {"year": r.year, "district": r.district.name},
                _("Due; citing %(article)s") % {"article": r.article},
                r.updated_at,
            )
        )
    return cal.to_ical()


def supervision_calendar(user, *, link=lambda o: "") -> bytes:
    cal = _calendar(_("Supervision calendar"))
    for o in supervised_obligations(user)[:FEED_LIMIT]:
        event = obligation_event(o, link(o))
        # a UID of its own: the same obligation may also be in the person's own feed
        event["uid"] = f"supervision-obligation-{o.pk}@metrohub"
        who = dict(Role.choices).get(o.responsible_role, "")
        if who:
            event["description"] = _("Due; citing %(article)s; answered by: %(role)s") % {
                "article": o.article,
                "role": who,
            }
        cal.add_component(event)
    return cal.to_ical()


def center_calendar(center, *, link=lambda o: "") -> bytes:
    cal = _calendar(_("Duties of %(center)s") % {"center": center.name})
    for o in center_duties(center)[:FEED_LIMIT]:
        cal.add_component(obligation_event(o, link(o)))
    return cal.to_ical()

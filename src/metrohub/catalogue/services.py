"""Catalogue business logic: importing rows, publishing, change requests, and "who can measure
this for me?". Plain functions with keyword arguments, each in one transaction."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.catalogue import units
from metrohub.catalogue.lines import (
    CONTENT_FIELDS,
    content_hash,
    derived,
    natural_key,
    new_line,
    snapshot,
    uncertainty_at,
)
from metrohub.catalogue.models import (
    CapabilityLine,
    CapabilityVersion,
    ChangeRequest,
    MethodDocument,
)
from metrohub.catalogue.rows import HEADERS, clean_row
from metrohub.catalogue.search import Filters, search, unit_spellings
from metrohub.centers.scope import managed_centers, regulated_centers
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event


def cite(center, *, change: bool = False) -> str:
    """The article of the center's own rule pack on its committed capabilities (or on changing
    them); "" where its pack says nothing about them."""
    from metrohub.centers.services import rule_pack

    pack = rule_pack(center)
    rule = pack.capabilities if pack is not None else None
    if rule is None:
        return ""
    return (rule.change_article or "") if change else rule.article


def can_manage(user, center) -> bool:
    return managed_centers(user).filter(pk=center.pk).exists()


def can_review(user, center) -> bool:
    return regulated_centers(user).filter(pk=center.pk).exists()


def _require_manager(actor, center) -> None:
    if actor is not None and not can_manage(actor, center):
        raise PermissionDenied(
            _("Only the center's director or its programme regulator may change its catalogue.")
        )


def _require_reviewer(actor, center) -> None:
    if actor is not None and not can_review(actor, center):
        raise PermissionDenied(_("Only the programme regulator of the center may decide this."))


# ---------------------------------------------------------------- import


@dataclass
class RowIssue:
    row: int
    column: str  # column key; "" for the whole row
    value: str
    message: str

    @property
    def header(self) -> str:
        return HEADERS.get(self.column, "")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    written: bool = False
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({issue.row for issue in self.issues})


def validate_rows(*, center, rows: list[tuple[int, dict]]) -> tuple[list, list[RowIssue]]:
    """Check every row (fields, duplicates in the file, conflicts with published lines) without
    writing: [(row number, data)] of the valid rows and the issues of the others."""
    issues: list[RowIssue] = []
    valid: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    existing = dict(
        CapabilityLine.objects.filter(center=center).values_list("natural_key", "status")
    )
    hashes = dict(
        CapabilityLine.objects.filter(center=center).values_list("natural_key", "content_hash")
    )
    for number, raw in rows:
        data, errors = clean_row(raw)
        for key, message in errors:
            issues.append(RowIssue(number, key, str(raw.get(key) or ""), message))
        if errors:
            continue
        key = natural_key(data)
        if key in seen:
            issues.append(
                RowIssue(
                    number,
                    "measurand",
                    str(raw.get("measurand") or ""),
                    _("Row %(row)d already has this line (same kind, measurand, item, range).")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = number
        status = existing.get(key)
        if (
            status is not None
            and status != CapabilityLine.Status.DRAFT
            and hashes[key] != content_hash(data)
        ):
            issues.append(
                RowIssue(
                    number,
                    "",
                    "",
                    _("This line is published; change it through a change request."),
                )
            )
            continue
        valid.append((number, data))
    return valid, issues


def import_rows(
    *, actor, center, rows: list[tuple[int, dict]], valid_only: bool = False, source: str = ""
) -> ImportResult:
    """Validate the whole file, then write it in bulk: new lines as drafts, changed drafts updated,
    unchanged lines left alone (re-importing a file changes nothing). Nothing is written while any
    row is invalid, unless valid_only is asked for."""
    _require_manager(actor, center)
    valid, issues = validate_rows(center=center, rows=rows)
    result = ImportResult(rows=len(rows), issues=issues)
    if issues and not valid_only:
        return result
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        existing = {line.natural_key: line for line in CapabilityLine.objects.filter(center=center)}
        creates, updates = [], []
        for _number, data in valid:
            line = existing.get(natural_key(data))
            if line is None:
                creates.append(new_line(data, center=center, status=CapabilityLine.Status.DRAFT))
            elif line.content_hash == content_hash(data):
                result.unchanged += 1
            else:
                for name, value in {**data, **derived(data, center=center)}.items():
                    setattr(line, name, value)
                line.version += 1
                updates.append(line)
        CapabilityLine.objects.bulk_create(creates, batch_size=2000)
        if updates:
            CapabilityLine.objects.bulk_update(
                updates,
                [*CONTENT_FIELDS, "content_hash", "search_text", "search_grams", "measurand_key"]
                + ["version"]
                + ["base_lower", "base_upper", "dimension"],
                batch_size=500,
            )
        _record_versions(creates + updates, now=now, user=user)
        result.created, result.updated = len(creates), len(updates)
        result.written = bool(creates or updates)
        append_event(
            subject=f"catalogue:{center.code}",
            action="catalogue.imported",
            actor=user,
            payload={
                "source": source,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected_rows": result.bad_rows,
            },
        )
    return result


def _record_versions(lines, *, now, user, change_request=None) -> None:
    if not lines:
        return
    by_id = {line.pk: line for line in lines}
    CapabilityVersion.objects.filter(line_id__in=list(by_id), valid_to__isnull=True).update(
        valid_to=now
    )
    CapabilityVersion.objects.bulk_create(
        [
            CapabilityVersion(
                line=line,
                version=line.version,
                data=snapshot(line),
                status=line.status,
                valid_from=now,
                recorded_by=user,
                change_request=change_request,
            )
            for line in lines
        ],
        batch_size=2000,
    )


# ---------------------------------------------------------------- publishing


def publish_drafts(*, actor, center, on: datetime.date | None = None) -> int:
    """The programme regulator publishes a center's draft lines (its initial catalogue)."""
    _require_reviewer(actor, center)
    on = on or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        drafts = list(
            CapabilityLine.objects.select_for_update().filter(
                center=center, status=CapabilityLine.Status.DRAFT
            )
        )
        for line in drafts:
            line.status = CapabilityLine.Status.PUBLISHED
            line.published_on = on
            line.version += 1
        CapabilityLine.objects.bulk_update(
            drafts, ["status", "published_on", "version"], batch_size=2000
        )
        _record_versions(drafts, now=now, user=actor)
        if drafts:
            append_event(
                subject=f"catalogue:{center.code}",
                action="catalogue.published",
                actor=actor,
                article=cite(center),
                effective_date=on,
                payload={"lines": len(drafts)},
            )
    return len(drafts)


# ---------------------------------------------------------------- change requests


# The longest reason or decision note kept (they are free text, stored and shown in full).
MAX_NOTE = 2_000


def _bound_text(field: str, text: str) -> None:
    if len(text or "") > MAX_NOTE:
        raise ValidationError(
            {field: [_("This text is longer than %(max)d characters.") % {"max": MAX_NOTE}]}
        )


def _clean_change(*, center, action: str, reason: str, line=None, row: dict | None = None) -> dict:
    """A change to one line checked without writing: the proposed row ({} for a withdrawal)."""
    if action not in ChangeRequest.Action.values:
        raise ValidationError({"action": [_("Unknown action.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the catalogue should change.")]})
    _bound_text("reason", reason)
    if action != ChangeRequest.Action.ADD:
        if line is None or line.center_id != center.pk:
            raise ValidationError({"line": [_("Name the line to change.")]})
        if line.status != CapabilityLine.Status.PUBLISHED:
            raise ValidationError({"line": [_("Only a published line is changed by request.")]})
    if action == ChangeRequest.Action.WITHDRAW:
        return {}
    data, errors = clean_row(row or {})
    if errors:
        by_column: dict[str, list[str]] = {}
        for key, message in errors:
            by_column.setdefault(key or "row", []).append(message)
        raise ValidationError(by_column)
    clash = CapabilityLine.objects.filter(center=center, natural_key=natural_key(data))
    if line is not None:
        clash = clash.exclude(pk=line.pk)
    if clash.exists():
        raise ValidationError({"measurand": [_("The center already has this line.")]})
    return {"row": {k: str(v) for k, v in (row or {}).items()}}


def propose_change(
    *, actor, center, action: str, reason: str, line=None, row: dict | None = None
) -> ChangeRequest:
    """A change to the published catalogue, for the regulator's review, where the center's pack
    has no capability-change procedure (elsewhere: `add_change_item`)."""
    _require_manager(actor, center)
    proposed = _clean_change(center=center, action=action, reason=reason, line=line, row=row)
    with transaction.atomic():
        change = ChangeRequest.objects.create(
            center=center,
            line=line,
            action=action,
            proposed=proposed,
            reason=reason.strip(),
            proposed_by=actor,
        )
        append_event(
            subject=f"catalogue-change:{change.pk}",
            action="catalogue.change_proposed",
            actor=actor,
            article=cite(center, change=True),
            payload={"center": center.code, "action": action, "line": line.pk if line else None},
        )
    return change


def _standalone(change: ChangeRequest) -> None:
    """A request that is an item of a capability-change case is decided by that case."""
    if change.case_id:
        raise ValidationError(
            {"status": [_("This change is decided by its capability change procedure.")]}
        )


def decide_change(*, actor, change: ChangeRequest, approve: bool, note: str = "") -> ChangeRequest:
    _require_reviewer(actor, change.center)
    _standalone(change)
    if change.status != ChangeRequest.Status.PROPOSED:
        raise ValidationError({"status": [_("This request has already been decided.")]})
    _bound_text("note", note)
    with transaction.atomic():
        change.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
        change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
        change.save()
        append_event(
            subject=f"catalogue-change:{change.pk}",
            action="catalogue.change_approved" if approve else "catalogue.change_rejected",
            actor=actor,
            article=cite(change.center, change=True),
            payload={"note": note},
        )
    return change


def announce_change(
    *, actor, change: ChangeRequest, effective_on: datetime.date | None = None
) -> CapabilityLine:
    """Announce an approved change: the catalogue takes it, keeping the previous version."""
    _require_reviewer(actor, change.center)
    _standalone(change)
    if change.status != ChangeRequest.Status.APPROVED:
        raise ValidationError({"status": [_("Only an approved request is announced.")]})
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        line = apply_change(change=change, actor=actor, effective_on=effective_on)
        append_event(
            subject=f"catalogue-change:{change.pk}",
            action="catalogue.change_announced",
            actor=actor,
            article=cite(change.center, change=True),
            effective_date=effective_on,
            payload={"line": line.pk, "version": line.version},
        )
    return line


def apply_change(*, change: ChangeRequest, actor, effective_on: datetime.date) -> CapabilityLine:
    """The catalogue takes one announced change: a line added, changed or withdrawn, its
    previous version kept (closed at this moment). Checked again, since the catalogue may have
    moved since the change was proposed."""
    center = change.center
    line = change.line
    if line is not None:
        line = CapabilityLine.objects.select_for_update().get(pk=line.pk)
    if change.action != ChangeRequest.Action.ADD and (
        line is None or line.status != CapabilityLine.Status.PUBLISHED
    ):
        raise ValidationError(
            {"line": [_("Line #%(id)s is no longer published.") % {"id": change.line_id}]}
        )
    if change.action == ChangeRequest.Action.WITHDRAW:
        line.status = CapabilityLine.Status.WITHDRAWN
        line.version += 1
        line.save()
    else:
        data, errors = clean_row(change.proposed["row"])
        if errors:
            raise ValidationError({"row": [message for _k, message in errors]})
        clash = CapabilityLine.objects.filter(center=center, natural_key=natural_key(data))
        if line is not None:
            clash = clash.exclude(pk=line.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "measurand": [
                        _("The center already has this line: %(m)s.") % {"m": data["measurand"]}
                    ]
                }
            )
        if change.action == ChangeRequest.Action.ADD:
            line = new_line(data, center=center, status=CapabilityLine.Status.PUBLISHED)
            line.published_on = effective_on
            line.save()
        else:
            for name, value in {**data, **derived(data, center=center)}.items():
                setattr(line, name, value)
            line.version += 1
            line.save()
    _record_versions([line], now=timezone.now(), user=actor, change_request=change)
    change.status = ChangeRequest.Status.ANNOUNCED
    change.announced_at, change.effective_on, change.line = timezone.now(), effective_on, line
    change.save()
    return line


# ---------------------------------------------------------------- the capability-change procedure

#: the procedure kind of a change of committed capabilities (Hubei art. 16)
CHANGE_KIND = "capability_change"
#: the most lines one change request carries
MAX_ITEMS = 500


def change_procedure_case(center):
    """The center's establishment case when its pack has a capability-change procedure (a
    change is then a case of that kind); None where changes are reviewed one by one."""
    base = center.cases.filter(kind="establishment").order_by("-pk").first()
    if base is None or CHANGE_KIND not in base.pack.kinds():
        return None
    return base


def change_case(user, pk):
    """A capability-change case in the user's scope; any other case is not found."""
    from metrohub.cases import services as cases

    case = cases.get_case(user, pk)
    if case.kind != CHANGE_KIND:
        raise Http404
    return case


def draft_change_case(*, actor, center):
    """The center's change request being prepared, opened (by its director) if there is none."""
    from metrohub.cases import services as cases

    found = (
        cases.cases_for(actor)
        .filter(kind=CHANGE_KIND, center=center, state="draft")
        .order_by("pk")
        .first()
    )
    return found or cases.open_case(actor=actor, kind=CHANGE_KIND, center=center.code)


def _editable_change(actor, case):
    from metrohub.accounts.models import Role
    from metrohub.cases import services as cases

    if Role.CENTER_DIRECTOR not in cases.case_roles(actor, case):
        raise PermissionDenied(_("The center's director prepares the change request."))
    if case.state != "draft":
        raise Conflict(_("The change request has been submitted; its lines no longer change."))


def add_change_item(
    *, actor, case, action: str, reason: str, line_id=None, row: dict | None = None
) -> ChangeRequest:
    """One line added, changed or withdrawn in the center's change request (Hubei art. 16)."""
    _editable_change(actor, case)
    line = None
    if line_id not in (None, ""):
        try:
            line = CapabilityLine.objects.filter(center=case.center, pk=int(line_id)).first()
        except (TypeError, ValueError, OverflowError):
            line = None
        if line is None:
            raise ValidationError({"line": [_("Name a line of this center's catalogue.")]})
    proposed = _clean_change(center=case.center, action=action, reason=reason, line=line, row=row)
    with transaction.atomic():
        items = ChangeRequest.objects.select_for_update().filter(case=case)
        if items.count() >= MAX_ITEMS:
            raise ValidationError(
                {"line": [_("A change request carries at most %(n)d lines.") % {"n": MAX_ITEMS}]}
            )
        if line is not None and items.filter(line=line).exists():
            raise ValidationError({"line": [_("This line is already in the change request.")]})
        if proposed:
            key = natural_key(clean_row(proposed["row"])[0])
            for other in items.exclude(action=ChangeRequest.Action.WITHDRAW):
                if natural_key(clean_row(other.proposed["row"])[0]) == key:
                    raise ValidationError(
                        {"measurand": [_("The change request already has this line.")]}
                    )
        item = ChangeRequest.objects.create(
            case=case,
            center=case.center,
            line=line,
            action=action,
            proposed=proposed,
            reason=reason.strip(),
            proposed_by=actor,
        )
        append_event(
            subject=case.subject,
            action="capability_change.item_added",
            actor=actor,
            article=case.pack.procedure(CHANGE_KIND).article,
            payload={"item": item.pk, "action": action, "line": line.pk if line else None},
        )
    return item


def remove_change_item(*, actor, case, item_id) -> None:
    _editable_change(actor, case)
    with transaction.atomic():
        item = ChangeRequest.objects.filter(case=case, pk=item_id).first()
        if item is None:
            raise Http404
        item.delete()
        append_event(
            subject=case.subject,
            action="capability_change.item_removed",
            actor=actor,
            article=case.pack.procedure(CHANGE_KIND).article,
            payload={"item": int(item_id)},
        )


def change_items(case) -> list[ChangeRequest]:
    return list(ChangeRequest.objects.filter(case=case).select_related("line").order_by("pk"))


def change_record(case) -> dict:
    """What the case's transitions recorded: the acceptance (who, findings, conclusion, when),
    the announcement (document number and date) or the refusal (reasons)."""
    from metrohub.eventlog.services import history

    out = {"acceptance": None, "announcement": None, "refusal": None}
    acceptance: dict = {}
    for event in history(case.subject).filter(action__startswith="transition."):
        records = event.payload.get("records") or {}
        name = event.payload.get("transition")
        if name == "organise_change_acceptance":
            acceptance = {"panel": records.get("panel", []), "on": event.effective_date}
        elif name == "record_change_acceptance":
            acceptance.update(
                findings=records.get("findings", []),
                conclusion=records.get("conclusion", ""),
                concluded_on=event.effective_date,
            )
        elif name == "announce_change":
            out["announcement"] = {
                "document_number": records.get("document_number", ""),
                "document_date": datetime.date.fromisoformat(records["document_date"]),
            }
        elif name == "refuse_change":
            out["refusal"] = {"reasons": records.get("reasons", ""), "on": event.effective_date}
    out["acceptance"] = acceptance or None
    return out


#: announcements on one public page
ANNOUNCEMENTS_PER_PAGE = 20


def announced_changes(*, center: str = "", page: int = 1, per_page: int = ANNOUNCEMENTS_PER_PAGE):
    """The announced capability changes, newest first, each with `items` (its lines) and
    `announcement` (the decision: number, date, article) attached. Three queries a page."""
    from metrohub.cases.models import Case, Decision

    cases = Case.objects.filter(kind=CHANGE_KIND, state="announced").select_related("center")
    if center:
        cases = cases.filter(center__code=str(center)[:32])
    start = (max(1, page) - 1) * per_page
    found = list(cases.order_by("-pk")[start : start + per_page])
    items: dict[int, list] = {}
    for item in (
        ChangeRequest.objects.filter(case__in=found).select_related("line", "center").order_by("pk")
    ):
        items.setdefault(item.case_id, []).append(item)
    decisions = {
        d.case_id: d for d in Decision.objects.filter(case__in=found, transition="announce_change")
    }
    for case in found:
        case.items, case.announcement = items.get(case.pk, []), decisions.get(case.pk)
    return [case for case in found if case.announcement is not None]


# ---------------------------------------------------------------- documents


def document_flags(codes) -> dict[str, MethodDocument]:
    """The superseded or withdrawn documents among `codes`, by code."""
    return {
        doc.code: doc
        for doc in MethodDocument.objects.filter(code__in=set(codes))
        .exclude(status=MethodDocument.Status.CURRENT)
        .select_related("superseded_by")
    }


def flag_lines(lines) -> None:
    """Set `outdated_documents` on each line: the superseded documents it cites."""
    lines = list(lines)
    flags = document_flags(code for line in lines for code in line.method_codes)
    for line in lines:
        line.outdated_documents = [flags[c] for c in line.method_codes if c in flags]


# ---------------------------------------------------------------- who can measure this?


@dataclass
class Match:
    line: CapabilityLine
    uncertainty: float  # absolute U at the value, in the asker's unit
    unit: str


def _canonical_unit(unit: str) -> str:
    """The catalogue's code for a unit as typed, trying its spellings from the synonym table
    (兆帕, Nm) when the unit module does not know the one given."""
    for spelling in [unit, *unit_spellings(unit)]:
        try:
            return units.canonical_unit(spelling)
        except units.UnitError:
            continue
    raise ValidationError({"unit": [_("Unknown unit.")]})


def find_capable(
    *,
    quantity: str,
    value: Decimal,
    unit: str,
    uncertainty: Decimal | None = None,
    uncertainty_relative: bool = False,
    kind: str = "",
    limit: int = 50,
) -> list[Match]:
    """Published lines whose range covers the value and whose expanded uncertainty at that value
    is no larger than the one needed; smallest uncertainty first. Lines stating only an accuracy
    class or MPE state no uncertainty and are left out."""
    unit = _canonical_unit(unit)
    base = units.to_base(value, unit)
    eps = abs(base) * 1e-9 + 1e-300
    queryset = search(Filters(q=quantity, kind=kind)).filter(
        dimension=units.dimension(unit),
    )
    queryset = queryset.filter(Q(base_lower__isnull=True) | Q(base_lower__lte=base + eps))
    queryset = queryset.filter(Q(base_upper__isnull=True) | Q(base_upper__gte=base - eps))
    needed = None
    if uncertainty is not None:
        needed = float(uncertainty) * (abs(float(value)) / 100 if uncertainty_relative else 1)
    matches = []
    for line in queryset.select_related("center", "center__host")[:5000]:
        x = units.convert(value, unit, line.unit)
        u = uncertainty_at(line, x)
        if u is None:
            continue
        u_asked = u * units.interval_factor(line.unit, unit)
        if needed is not None and u_asked > needed * (1 + 1e-9):
            continue
        matches.append(Match(line, u_asked, unit))
    matches.sort(key=lambda m: (m.uncertainty, not m.line.cnas, m.line.center.code, m.line.pk))
    return matches[:limit]

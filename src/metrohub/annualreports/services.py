"""The annual report (Hubei art. 21, Shanghai 五(二), Chongqing's 年度信息报送): a structured form
on a case of kind `annual_report`, opened by the daily job, filled in by the center's director,
submitted, returned with comments or accepted by the programme regulator through the engine's
transitions (`submit_report`, `return_report`, `accept_report`).

The figures the regulators compare across centers (000's introduction reports exactly these)
are prefilled from what the platform knows — the catalogue's capability lines, the certificates
issued, the alliance's activities — for the director to confirm or correct; saving the form is the
confirmation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.cases import services as cases
from metrohub.cases.models import Case, Obligation
from metrohub.cases.services.context import Problem, guard
from metrohub.core import bounds
from metrohub.core.bounds import digits
from metrohub.core.dates import chinese_date
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event, history

KIND = "annual_report"
EDITABLE = ("draft", "returned")

#: (code, label): the figures of the report, in the order of 000's introduction
FIGURES = (
    ("capability_lines_total", gettext_lazy("capability lines in total")),
    ("capability_lines_added", gettext_lazy("capability lines added this year")),
    ("verifications", gettext_lazy("verifications")),
    ("calibrations", gettext_lazy("calibrations")),
    ("tests", gettext_lazy("tests")),
    ("research_projects", gettext_lazy("research projects")),
    ("standards_published", gettext_lazy("standards and technical specifications published")),
    ("equipment_developed", gettext_lazy("test equipment developed (sets)")),
    ("awards", gettext_lazy("awards and excellent cases")),
    ("national_collection_cases", gettext_lazy("results in national collections")),
    ("alliance_activities", gettext_lazy("alliance activities")),
    # open sharing (Shanghai 四(三)): the use of the center's shared equipment, by whom, its fees
    ("shared_bookings", gettext_lazy("bookings of shared equipment")),
    ("shared_hours_used", gettext_lazy("hours of shared equipment used")),
    ("shared_organisations", gettext_lazy("organisations that used shared equipment")),
    ("shared_fees", gettext_lazy("fees for shared equipment (yuan)")),
)
FIGURE_CODES = tuple(code for code, _label in FIGURES)
#: (code, label, max length): one typical case (典型案例, Shanghai 五(二))
CASE_FIELDS = (
    ("title", gettext_lazy("title of the case"), 200),
    ("industry", gettext_lazy("industry served"), 100),
    ("problem", gettext_lazy("problem met"), 2000),
    ("method", gettext_lazy("method applied"), 2000),
    ("result", gettext_lazy("result achieved"), 2000),
    ("benefit", gettext_lazy("benefit gained"), 2000),
)
MAX_CASES = 30
MAX_FIGURE = 10_000_000
TEXT_LIMIT = 20_000


def report_case(user, pk) -> Case:
    """An annual report case in the user's scope; any other case is not found."""
    case = cases.get_case(user, pk)
    if case.kind != KIND:
        raise Http404
    return case


def report_year(case: Case) -> int:
    return int(case.period) if digits(case.period) else case.filed_on.year


def needs_typical_cases(case: Case) -> bool:
    """Whether the pack's annual duty lists typical cases among its contents (Shanghai 五(二))."""
    return any(c.code == "typical_cases" for d in case.pack.annual_duties for c in d.contents)


def known_figures(case: Case) -> dict[str, int]:
    """What the platform knows of the center's year: lines, certificates, alliance activities,
    the use of its shared equipment (hours and fees rounded to whole numbers)."""
    from metrohub.alliances.models import Activity
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.certificates.models import Certificate, CertificateKind
    from metrohub.sharing.services import usage_statistics

    year, center = report_year(case), case.center
    if center is None:
        return {}
    lines = CapabilityLine.objects.filter(center=center, status=CapabilityLine.Status.PUBLISHED)
    issued = Certificate.objects.filter(center=center, issued_at__year=year)
    kinds = {
        "verifications": (
            CertificateKind.VERIFICATION_CERTIFICATE,
            CertificateKind.VERIFICATION_NOTICE,
        ),
        "calibrations": (CertificateKind.CALIBRATION_CERTIFICATE,),
        "tests": (CertificateKind.TEST_REPORT, CertificateKind.MEASUREMENT_REPORT),
    }
    usage = usage_statistics(year=year, center=center)
    return {
        "capability_lines_total": lines.count(),
        "capability_lines_added": lines.filter(published_on__year=year).count(),
        **{k: issued.filter(kind__in=v).count() for k, v in kinds.items()},
        "alliance_activities": Activity.objects.filter(
            alliance__center=center, held_on__year=year
        ).count(),
        "shared_bookings": usage.total.bookings,
        "shared_hours_used": int(
            Decimal(str(usage.total.used_hours)).to_integral_value(ROUND_HALF_UP)
        ),
        "shared_organisations": sum(1 for row in usage.by_organisation if row.key is not None),
        "shared_fees": int(usage.total.fees.to_integral_value(ROUND_HALF_UP)),
    }


def report(case: Case) -> dict:
    """The report as saved, the figures not yet saved filled from what the platform knows."""
    data = case.form_data or {}
    known = known_figures(case)
    saved = data.get("figures") or {}
    ob = case.obligations.filter(code=case.schedule or KIND).select_related("deadline").first()
    return {
        "year": report_year(case),
        "summary": data.get("summary", ""),
        "plan": data.get("plan", ""),
        "figures": {code: saved.get(code, known.get(code)) for code in FIGURE_CODES},
        "known_figures": known,
        "figures_confirmed": bool(saved),
        "typical_cases": data.get("typical_cases", []),
        "needs_typical_cases": needs_typical_cases(case),
        "due": ob.deadline.due if ob else None,
        "obligation_state": ob.current_state if ob else None,
        "late": bool(ob and ob.current_state in ("late", "overdue")),
        "comments": comments(case),
        "resubmission": resubmission(case, case.obligations.select_related("deadline")),
    }


def resubmission(case: Case, obligations) -> Obligation | None:
    """The period to submit a returned report again, while it runs: from then on the date that
    matters, not the year's due date."""
    live = [
        o
        for o in obligations
        if o.code != (case.schedule or KIND)
        and o.state in (Obligation.State.OPEN, Obligation.State.OVERDUE)
    ]
    return max(live, key=lambda o: o.pk) if live else None


def comments(case: Case) -> list[dict]:
    """The regulator's comments each time the report was returned, oldest first."""
    return [
        {"on": e.effective_date, "text": (e.payload.get("records") or {}).get("reasons", "")}
        for e in history(case.subject).filter(action="transition.return_report")
    ]


def _figures(value) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValidationError({"figures": [_("Give the figures as numbers.")]})
    out, errors = {}, {}
    for code in FIGURE_CODES:
        raw = value.get(code)
        if raw in (None, ""):
            errors[f"figures.{code}"] = [_("Give a number (0 if none).")]
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = -1
        if isinstance(raw, bool) or not 0 <= number <= MAX_FIGURE:
            errors[f"figures.{code}"] = [
                _("A whole number from 0 to %(max)d.") % {"max": MAX_FIGURE}
            ]
            continue
        out[code] = number
    unknown = set(value) - set(FIGURE_CODES)
    for key in sorted(map(str, unknown))[:5]:
        errors[f"figures.{key[:40]}"] = [_("Not a figure of the annual report.")]
    if errors:
        raise ValidationError(errors)
    return out


def _typical_cases(value) -> list[dict]:
    if not isinstance(value, list):
        raise ValidationError({"typical_cases": [_("Give the typical cases as a list.")]})
    if len(value) > MAX_CASES:
        raise ValidationError(
            {"typical_cases": [_("At most %(n)d typical cases.") % {"n": MAX_CASES}]}
        )
    out, errors = [], {}
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            errors[f"typical_cases.{i}"] = [_("Each typical case is a set of fields.")]
            continue
        try:
            clean = bounds.texts(
                {code: (str(item.get(code) or ""), n) for code, _label, n in CASE_FIELDS}
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"typical_cases.{i}.{field}"] = messages
            continue
        if not any(clean.values()):
            continue  # an empty row of the form
        for code, label, _n in CASE_FIELDS:
            if not clean[code]:
                errors[f"typical_cases.{i}.{code}"] = [
                    _("Typical case %(n)d: give its %(field)s.") % {"n": i, "field": label}
                ]
        out.append(clean)
    if errors:
        raise ValidationError(errors)
    return out


def save_report(*, actor, case: Case, summary, plan, figures, typical_cases) -> Case:
    """The director saves the report while it is being filled in or returned for changes."""
    if Role.CENTER_DIRECTOR not in cases.case_roles(actor, case):
        raise PermissionDenied(_("The center's director fills in the annual report."))
    if case.state not in EDITABLE:
        raise Conflict(_("The annual report is submitted; it changes only when returned."))
    texts = bounds.texts({"summary": (summary, TEXT_LIMIT), "plan": (plan, TEXT_LIMIT)})
    data = {
        "summary": texts["summary"],
        "plan": texts["plan"],
        "figures": _figures(figures),
        "typical_cases": _typical_cases(typical_cases),
    }
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.form_data = data
        case.save(update_fields=["form_data", "updated_at"])
        append_event(
            subject=case.subject,
            action="annual_report.saved",
            actor=actor,
            article=case.pack.procedure(KIND).article,
            payload={
                "figures": data["figures"],
                "typical_cases": len(data["typical_cases"]),
            },
        )
    return case


@guard
def _complete_before_submitting(ctx) -> list[Problem]:
    """A report is submitted with its summary, plan and confirmed figures, and — where the pack
    asks for them — at least one typical case."""
    if ctx.case.kind != KIND or ctx.transition.name != "submit_report":
        return []
    data = ctx.case.form_data or {}
    problems = []
    if not data.get("summary"):
        problems.append(Problem(422, "summary", _("Write the year's work summary.")))
    if not data.get("plan"):
        problems.append(Problem(422, "plan", _("Write next year's work plan.")))
    if not data.get("figures"):
        problems.append(Problem(422, "figures", _("Confirm the figures by saving the report.")))
    if needs_typical_cases(ctx.case) and not data.get("typical_cases"):
        problems.append(Problem(422, "typical_cases", _("Add at least one typical case.")))
    return problems


def render_pdf(case: Case) -> bytes:
    """The report as a PDF, in Chinese."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML  # slow to import; only the PDF needs it

    with translation.override("zh-hans"):
        data = report(case)
        html = render_to_string(
            "annualreports/report_pdf.html",
            {
                "case": case,
                "report": data,
                "title": case.pack.procedure(KIND).name_zh,
                "figures": [(label, data["figures"].get(code)) for code, label in FIGURES],
                "case_fields": CASE_FIELDS,
                "stage": case.pack.stage(case.state).name_zh,
                "due": chinese_date(data["due"]),
            },
        )
    return HTML(string=html).write_pdf()

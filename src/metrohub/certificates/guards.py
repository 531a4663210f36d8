"""What a certificate may not do (Hubei art. 17–18, JJF 1069 / ISO/IEC 17025): each guard lists
every offence, so one refusal tells the lab everything to put right.

- capability: every point lies within a published capability line of the center for the job's
  measurand, method and kind of service, and its expanded uncertainty is not smaller than that
  line's CMC uncertainty at the point's value (values, ranges, formulas and tables evaluated).
  Lines stating only an accuracy class or an MPE bound the range, not the uncertainty.
- standards: every standard used, its examination certificate and each of its instruments'
  certificates are valid on the measurement date.
- people: performer, checker and approver are three different people, each authorized for the
  method on the measurement date and on the day they sign, signing in that order.
"""

import datetime as dt
import math

from django.utils.translation import gettext as _

from metrohub.catalogue import units
from metrohub.catalogue.lines import fold, uncertainty_at
from metrohub.catalogue.models import CapabilityLine, ServiceKind
from metrohub.certificates.models import Job, JobKind
from metrohub.certificates.points import parse_decimal
from metrohub.standards import services as standards
from metrohub.standards.models import Step

SERVICE_KIND = {
    JobKind.VERIFICATION: ServiceKind.VERIFICATION,
    JobKind.CALIBRATION: ServiceKind.CALIBRATION,
    JobKind.TESTING: ServiceKind.TESTING,
    JobKind.MEASUREMENT: ServiceKind.MEASUREMENT_REPORT,
}
RELATIVE_TOLERANCE = 1e-9  # float noise only: U printed as 0.012 equals a CMC of 0.012


def matching_lines(job: Job) -> list[CapabilityLine]:
    """The center's published lines for the job's measurand, method and kind of service. A line
    naming no method document covers any method (in-house methods of testing)."""
    method = standards.canonical_method(job.method_code)
    lines = CapabilityLine.objects.filter(
        center_id=job.center_id,
        status=CapabilityLine.Status.PUBLISHED,
        measurand_key=fold(job.measurand)[:200],
        kind=SERVICE_KIND[job.kind],
    )
    return [line for line in lines if not line.method_codes or method in line.method_codes]


def _in_line_unit(value: float, unit: str, line: CapabilityLine) -> float | None:
    if not line.unit or unit == line.unit:
        return value
    if not units.compatible(unit, line.unit):
        return None
    return units.convert(value, unit, line.unit)


def _within(line: CapabilityLine, x: float) -> bool:
    low, high = line.range_lower, line.range_upper
    return (low is None or x >= float(low) - abs(float(low)) * RELATIVE_TOLERANCE) and (
        high is None or x <= float(high) + abs(float(high)) * RELATIVE_TOLERANCE
    )


def _point_verdict(point, lines) -> str | None:
    """None if some line covers the point; else why none does (the closest reason)."""
    nominal = parse_decimal(point.nominal)
    u = parse_decimal(point.expanded_uncertainty)
    reasons = []
    for line in lines:
        x = _in_line_unit(float(nominal), point.unit, line)
        if x is None:
            reasons.append((2, _("unit %(unit)s does not match %(line)s") % {
                "unit": point.unit, "line": line.range_text})
            )  # fmt: skip
            continue
        if not _within(line, x):
            reasons.append(
                (2, _("outside the published range %(range)s") % {"range": line.range_text})
            )
            continue
        cmc = uncertainty_at(line, x)
        if cmc is None:
            return None
        if u is None:
            reasons.append((1, _("no expanded uncertainty stated (the CMC there is %(cmc)s %(unit)s)")
                            % {"cmc": _short(cmc), "unit": line.u_unit if not line.u_relative and line.u_unit else line.unit}))  # fmt: skip
            continue
        u_line = float(u) * (
            units.interval_factor(point.unit, line.unit)
            if line.unit and point.unit != line.unit
            else 1.0
        )
        if u_line < cmc * (1 - RELATIVE_TOLERANCE):
            unit = line.unit
            reasons.append((0, _("U = %(u)s %(unit)s is smaller than the CMC %(cmc)s %(unit)s at this value")
                            % {"u": _short(u_line), "cmc": _short(cmc), "unit": unit}))  # fmt: skip
            continue
        return None
    if not reasons:
        return _("no published capability line")
    return min(reasons, key=lambda r: r[0])[1]


def _short(x: float) -> str:
    return f"{x:.4g}" if math.isfinite(x) else str(x)


def capability_problems(job: Job, points) -> dict[str, list[str]]:
    lines = matching_lines(job)
    problems: dict[str, list[str]] = {}
    if not lines:
        problems["capability"] = [
            _("%(center)s has no published capability for %(measurand)s by %(method)s (%(kind)s).")
            % {
                "center": job.center.name,
                "measurand": job.measurand,
                "method": job.method_code,
                "kind": job.get_kind_display(),
            }
        ]
    for point in points:
        verdict = _point_verdict(point, lines)
        if verdict is not None:
            problems[f"points[{point.position - 1}]"] = [
                _("Point %(n)d (%(value)s %(unit)s): %(why)s.")
                % {"n": point.position, "value": point.nominal, "unit": point.unit, "why": verdict}
            ]
    return problems


def standards_problems(job: Job) -> dict[str, list[str]]:
    used = list(standards.with_details(job.standards.all()))
    messages = []
    if not used:
        messages.append(_("Name the measurement standards used."))
    for standard in used:
        if standard.center_id != job.center_id:
            messages.append(
                _("%(standard)s is not a standard of this center.") % {"standard": standard.name}
            )
        messages += standards.problems_on(standard, job.measured_on)
    return {"standards": messages} if messages else {}


def step_for(job: Job) -> str | None:
    return {
        Job.State.DRAFT: Step.PERFORM,
        Job.State.PERFORMED: Step.CHECK,
        Job.State.CHECKED: Step.APPROVE,
    }.get(job.state)


def people_problems(job: Job, *, actor, on: dt.date) -> dict[str, list[str]]:
    """Why `actor` may not give the job's next signature (empty when they may)."""
    step = step_for(job)
    messages = []
    if step is None:
        return {"signature": [_("This job is already issued.")]}
    earlier = [(job.performer, _("performer")), (job.checker, _("checker"))]
    for person, role in earlier:
        if person is not None and person.pk == actor.pk:
            messages.append(
                _("%(person)s already signed this job as %(role)s: three different people sign.")
                % {"person": actor, "role": role}
            )
    for day in sorted({job.measured_on, on}):
        found = standards.authorization_for(
            center=job.center, person=actor, method_code=job.method_code, step=step, on=day
        )
        if found is None:
            messages.append(
                _("%(person)s is not authorized as %(step)s for %(method)s on %(day)s.")
                % {
                    "person": actor,
                    "step": Step(step).label,
                    "method": job.method_code,
                    "day": day.isoformat(),
                }
            )
    if on < job.measured_on:
        messages.append(_("A job cannot be signed before its measurement date."))
    return {"signature": messages} if messages else {}

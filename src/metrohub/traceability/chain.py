"""The chain upward from a certificate, a standard or a standard instrument to a national primary
standard or a recognised national metrology institute.

Certificate → the standards its job used → their instruments → each instrument's certificate in
force on the measurement date → (a certificate of this platform: on from its own measurement date)
or (an external record: the end of the chain; complete when its issuer is a recognised institute).

Every link is judged on the date of the measurement that relied on it: a standard's examination
certificate, an instrument's certificate covering that date, a platform certificate not revoked.
"""

import datetime as dt
import functools
from dataclasses import asdict, dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from metrohub.certificates.models import Certificate, Point
from metrohub.standards.models import InstrumentCertificate, MeasurementStandard
from metrohub.traceability.models import RecognisedInstitute

MAX_DEPTH = 12  # a chain longer than this is a loop in the records, not metrology


class Status:
    OK = "ok"
    EXPIRED = "expired"
    MISSING = "missing"
    REVOKED = "revoked"
    OUT_OF_SERVICE = "out_of_service"
    UNRECOGNISED = "unrecognised"
    LOOP = "loop"


STATUS_LABELS = {
    Status.OK: _("valid on the date"),
    Status.EXPIRED: _("expired on the date"),
    Status.MISSING: _("no certificate covering the date"),
    Status.REVOKED: _("revoked"),
    Status.OUT_OF_SERVICE: _("not in service"),
    Status.UNRECOGNISED: _("ends at a laboratory not recognised as a national institute"),
    Status.LOOP: _("the records refer back to themselves"),
}
BROKEN = {Status.EXPIRED, Status.MISSING, Status.REVOKED, Status.OUT_OF_SERVICE, Status.LOOP}

KIND_LABELS = {
    "certificate": _("certificate"),
    "standard": _("measurement standard"),
    "record": _("instrument certificate"),
    "institute": _("national reference"),
}


@dataclass
class Node:
    id: str
    kind: str
    level: int
    parent: str | None
    name: str
    issuer: str = ""
    number: str = ""
    on: dt.date | None = None  # the date the link is judged on
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    uncertainty: str = ""
    status: str = Status.OK
    url: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def broken(self) -> bool:
        return self.status in BROKEN


@dataclass
class Chain:
    nodes: list[Node] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return any(node.broken for node in self.nodes)

    @property
    def complete(self) -> bool:
        """Every branch ends at a recognised institute and no link is broken."""
        return not self.broken and not any(n.status == Status.UNRECOGNISED for n in self.nodes)

    def as_dict(self) -> dict:
        return {
            "complete": self.complete,
            "broken": self.broken,
            "nodes": [
                {**asdict(n), "kind_label": n.kind_label, "status_label": n.status_label}
                for n in self.nodes
            ],
        }


class _Walk:
    def __init__(self, *, details: bool = True):
        self.chain = Chain()
        # a verdict alone (the public verification) needs no uncertainty column
        self.details = details
        self.seen: set[int] = set()

    @functools.cached_property
    def institutes(self) -> dict:
        # read only when a record from outside the platform is met
        return {i.name: i for i in RecognisedInstitute.objects.all()}

    def add(self, node: Node) -> Node:
        self.chain.nodes.append(node)
        return node

    def certificate(self, certificate: Certificate, level: int, parent: str | None) -> None:
        node = self.add(
            Node(
                id=f"c{certificate.pk}", kind="certificate", level=level, parent=parent,
                name=f"{certificate.job.instrument_name} {certificate.job.instrument_model}".strip(),
                issuer=certificate.center.name, number=certificate.number,
                on=certificate.job.measured_on, issued_on=certificate.job.measured_on,
                valid_until=certificate.valid_until,
                uncertainty=_point_uncertainty(certificate.job_id) if self.details else "",
                status=Status.REVOKED if certificate.status == "revoked" else Status.OK,
                url=f"/traceability/certificates/{certificate.number}/",
            )
        )  # fmt: skip
        if certificate.pk in self.seen or level >= MAX_DEPTH:
            node.status = Status.LOOP
            return
        self.seen.add(certificate.pk)
        for standard in _standards(MeasurementStandard.objects.filter(jobs=certificate.job_id)):
            self.standard(standard, certificate.job.measured_on, level + 1, node.id)

    def standard(self, standard: MeasurementStandard, on: dt.date, level: int, parent) -> None:
        status = Status.OK
        if standard.status != MeasurementStandard.Status.IN_SERVICE:
            status = Status.OUT_OF_SERVICE
        elif standard.exam_valid_until < on:
            status = Status.EXPIRED
        node = self.add(
            Node(
                id=f"s{standard.pk}-{parent}", kind="standard", level=level, parent=parent,
                name=standard.name, issuer=standard.center.name,
                number=standard.exam_certificate_number, on=on, valid_until=standard.exam_valid_until,
                uncertainty=standard.uncertainty, status=status,
                url=f"/traceability/standards/{standard.pk}/",
            )
        )  # fmt: skip
        for instrument in standard.instruments.all():
            self.instrument(instrument, on, level + 1, node.id)

    def instrument(self, instrument, on: dt.date, level: int, parent: str) -> None:
        records = list(instrument.certificates.all())  # newest first
        covering = next((r for r in records if r.issued_on <= on <= r.due_on), None)
        if covering is None:
            earlier = next((r for r in records if r.issued_on <= on), None)
            self.add(
                Node(
                    id=f"i{instrument.pk}-{parent}", kind="record", level=level, parent=parent,
                    name=str(instrument), issuer=earlier.issuer if earlier else "",
                    number=earlier.number if earlier else "", on=on,
                    issued_on=earlier.issued_on if earlier else None,
                    valid_until=earlier.due_on if earlier else None,
                    uncertainty=earlier.uncertainty if earlier else instrument.accuracy,
                    status=Status.EXPIRED if earlier else Status.MISSING,
                )
            )  # fmt: skip
            return
        self.record(instrument, covering, on, level, parent)

    def record(self, instrument, record: InstrumentCertificate, on, level: int, parent) -> None:
        linked = record.platform_certificate
        status = Status.REVOKED if linked is not None and linked.status == "revoked" else Status.OK
        institute = self.institutes.get(record.issuer) if linked is None else None
        if linked is None and institute is None:
            status = Status.UNRECOGNISED
        node = self.add(
            Node(
                id=f"r{record.pk}-{parent}", kind="record", level=level, parent=parent,
                name=str(instrument), issuer=record.issuer, number=record.number, on=on,
                issued_on=record.issued_on, valid_until=record.due_on,
                uncertainty=record.uncertainty, status=status,
            )
        )  # fmt: skip
        if linked is not None and status == Status.OK:
            self.certificate(_certificate(linked.pk), level + 1, node.id)
        elif institute is not None:
            self.add(
                Node(
                    id=f"n{institute.pk}-{node.id}", kind="institute", level=level + 1,
                    parent=node.id, name=institute.get_kind_display(), issuer=institute.name,
                    number=institute.short_name, on=record.issued_on,
                )
            )  # fmt: skip


def _certificate(pk: int) -> Certificate:
    return Certificate.objects.select_related("job", "center").get(pk=pk)


def _standards(standards) -> list[MeasurementStandard]:
    """Standards with their instruments and certificates: one query, and two more only when
    there is any."""
    return list(
        standards.select_related("center")
        .prefetch_related(
            "instruments",
            Prefetch(
                "instruments__certificates",
                queryset=InstrumentCertificate.objects.select_related("platform_certificate"),
            ),
        )
        .order_by("pk")
    )


def _point_uncertainty(job_id: int) -> str:
    """The smallest expanded uncertainty stated among the certificate's points, as written."""
    best = None
    for point in Point.objects.filter(job_id=job_id).exclude(expanded_uncertainty=""):
        try:
            value = float(point.expanded_uncertainty)
        except ValueError:
            continue
        if best is None or value < best[0]:
            best = (value, point)
    if best is None:
        return ""
    point = best[1]
    k = f", k = {point.coverage_k}" if point.coverage_k else ""
    return f"U = {point.expanded_uncertainty} {point.unit}{k}"


def of_certificate(certificate: Certificate) -> Chain:
    walk = _Walk()
    walk.certificate(_certificate(certificate.pk), 0, None)
    return walk.chain


def of_standard(standard: MeasurementStandard, on: dt.date) -> Chain:
    walk = _Walk()
    walk.standard(_standards(MeasurementStandard.objects.filter(pk=standard.pk))[0], on, 0, None)
    return walk.chain


def broken_on_its_date(certificate_id: int) -> bool:
    """Whether the chain of a certificate was broken on its measurement date (verification).

    The public verification stores this verdict and walks again only after a write that can
    change it (metrohub.certificates.verification), so it is judged afresh here every time."""
    walk = _Walk(details=False)
    walk.certificate(_certificate(certificate_id), 0, None)
    return walk.chain.broken

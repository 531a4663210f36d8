"""A chain or an affected set as an Excel workbook (Chinese headers, cells made safe to open)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from metrohub.core.exports import neutralise_row


def _book(title: str, header: list[str], rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(neutralise_row(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chain_xlsx(chain) -> bytes:
    header = [
        _("Level in the chain"), _("Kind"), _("Name or instrument"), _("Issued by"), _("Number"), _("Date relied on"),
        _("Date of calibration"), _("Valid until"), _("Uncertainty"), _("Validity"),
    ]  # fmt: skip
    rows = (
        [n.level, n.kind_label, n.name, n.issuer, n.number, n.on, n.issued_on, n.valid_until,
         n.uncertainty, n.status_label]
        for n in chain.nodes
    )  # fmt: skip
    return _book(_("Traceability chain"), header, rows)


def affected_xlsx(rows) -> bytes:
    header = [
        _("Center"), _("Customer"), _("Certificate number"), _("Date of measurement"), _("Level in the chain"),
        _("Through certificate"), _("Assessment"), _("Reason"),
    ]  # fmt: skip
    data = (
        [r.center.name, r.customer.name, r.certificate.number, r.certificate.job.measured_on,
         r.depth, r.via.number if r.via_id else "", r.get_assessment_display(), r.reason]
        for r in rows
    )  # fmt: skip
    return _book(_("Affected certificates"), header, data)

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrohub.catalogue.models import Area, ChangeRequest, ServiceKind
from metrohub.catalogue.rows import COLUMNS


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    area = forms.ChoiceField(
        label=_("Metrology area"), choices=[("", _("all"))] + Area.choices, required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind of service"), choices=[("", _("all"))] + ServiceKind.choices, required=False
    )
    center = forms.CharField(label=_("Center"), max_length=32, required=False)
    region = forms.CharField(label=_("Region code"), max_length=6, required=False)
    domain = forms.CharField(label=_("Industry"), max_length=50, required=False)


class FindForm(forms.Form):
    quantity = forms.CharField(
        label=_("Quantity or instrument"), max_length=100, help_text=_("such as 压力 or 温度")
    )
    value = forms.DecimalField(label=_("Value to measure"), max_digits=24, decimal_places=12)
    unit = forms.CharField(label=_("Unit"), max_length=32, help_text=_("such as MPa, °C, N·m"))
    uncertainty = forms.DecimalField(
        label=_("Expanded uncertainty needed (at most)"),
        max_digits=24,
        decimal_places=12,
        min_value=0,
        required=False,
    )
    relative = forms.BooleanField(label=_("The uncertainty is relative, in %"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) or CSV"))
    valid_only = forms.BooleanField(
        label=_("Import the valid rows only and report the others"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.METROHUB_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


#: The template's columns named on an English page; a Chinese page names them by the template's
#: own headers, so that the form and the spreadsheet read alike.
COLUMN_LABELS = {
    "kind": _("Kind of service"),
    "area": _("Metrology area"),
    "branch": _("Branch of the area"),
    "industry_domain": _("Industry served"),
    "measurand": _("Measurand or parameter"),
    "instrument": _("Instrument or object measured"),
    "conditions": _("Parameters and conditions"),
    "range_lower": _("Lower limit of the range"),
    "range_upper": _("Upper limit of the range"),
    "unit": _("Unit of the range"),
    "u_form": _("Uncertainty given as"),
    "uncertainty": _("Expanded uncertainty U"),
    "u_relative": _("Absolute or relative"),
    "u_unit": _("Unit of the uncertainty"),
    "coverage_k": _("Coverage factor k"),
    "coverage_p": _("Coverage probability p"),
    "accuracy": _("Accuracy class or maximum permissible error"),
    "methods": _("Method documents"),
    "cnas": _("CNAS accreditation"),
}


class ChangeForm(forms.Form):
    """A proposed line as template cells, plus the reason."""

    action = forms.ChoiceField(label=_("Change"), choices=ChangeRequest.Action.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        for column in COLUMNS:
            self.fields[column.key] = forms.CharField(
                label=COLUMN_LABELS[column.key] if english else column.header,
                required=False,
                max_length=500,
            )

    def row(self) -> dict:
        return {column.key: self.cleaned_data.get(column.key, "") for column in COLUMNS}


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

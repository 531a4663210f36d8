"""Forms of the work pages: a job and its points. They only shape what people type; the
services check everything (and compute errors, U and conformity)."""

import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.certificates.models import DecisionRule, JobKind, Location, Point
from metrohub.core.bounds import digits
from metrohub.organisations.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"})
NEW_POINT_ROWS = 10
_SPLIT = re.compile(r"[\s,，;；]+")


class JobForm(forms.Form):
    center = forms.ModelChoiceField(queryset=None, label=_("Center"), empty_label=None)
    customer = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Customer")
    )
    kind = forms.ChoiceField(label=_("Kind of work"), choices=JobKind.choices)
    instrument_name = forms.CharField(label=_("Instrument"), max_length=200)
    instrument_model = forms.CharField(
        label=_("Model / specification"), max_length=100, required=False
    )
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=200, required=False)
    instrument_range = forms.CharField(label=_("Measuring range"), max_length=200, required=False)
    accuracy = forms.CharField(
        label=_("Accuracy class or maximum permissible error"), max_length=200, required=False
    )
    measurand = forms.CharField(label=_("Measurand"), max_length=200)
    method_code = forms.CharField(label=_("Method document"), max_length=60)
    method_title = forms.CharField(label=_("Title of the method"), max_length=300, required=False)
    standards = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Standards used"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    location = forms.ChoiceField(label=_("Performed at"), choices=Location.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), required=False, max_digits=6, decimal_places=2
    )
    humidity = forms.DecimalField(
        label=_("Relative humidity (%)"), required=False, max_digits=5, decimal_places=1
    )
    environment_other = forms.CharField(label=_("Other conditions"), max_length=300, required=False)
    measured_on = forms.DateField(label=_("Date of measurement"), widget=DATE)
    received_on = forms.DateField(label=_("Date received"), widget=DATE, required=False)
    record_number = forms.CharField(
        label=_("Original record number"), max_length=60, required=False
    )
    interval_months = forms.IntegerField(
        label=_("Interval (months)"), min_value=1, max_value=120, required=False,
        help_text=_("Verification: the certificate's validity. Calibration: a recommended interval."),
    )  # fmt: skip
    decision_rule = forms.ChoiceField(label=_("Decision rule"), choices=DecisionRule.choices)
    guard_band_factor = forms.DecimalField(
        label=_("Guard band factor r"), required=False, max_digits=4, decimal_places=2
    )
    conformity_requested = forms.BooleanField(
        label=_("Conformity statement requested"), required=False
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    budget = forms.CharField(
        label=_("Uncertainty budget (JSON)"), required=False, max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: points marked “evaluated from the budget” get U from it."),
    )  # fmt: skip

    def __init__(self, *args, centers=None, standards=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standards"].queryset = standards
        if editing:
            del self.fields["center"]
        else:
            self.fields["center"].queryset = centers

    def clean_budget(self):
        text = self.cleaned_data.get("budget") or ""
        if not text.strip():
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            # where, not the parser's English (“Expecting value: line 1 column 1 (char 0)”)
            raise forms.ValidationError(
                _("Not valid JSON: line %(line)d, column %(column)d.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give the budget as a JSON object."))
        return value

    def job_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("center", None)
        data["customer"] = data["customer"].pk
        data["standards"] = [s.pk for s in data["standards"]]
        if data.get("guard_band_factor") is None:
            data["guard_band_factor"] = None
        return data


class PointForm(forms.Form):
    characteristic = forms.CharField(label=_("Characteristic"), max_length=100, required=False)
    nominal = forms.CharField(label=_("Nominal value"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    readings = forms.CharField(
        label=_("Readings"), max_length=2000, required=False,
        help_text=_("Separated by spaces or commas."),
    )  # fmt: skip
    as_found = forms.CharField(label=_("As found"), max_length=40, required=False)
    as_left = forms.CharField(label=_("As left"), max_length=40, required=False)
    mpe = forms.CharField(label=_("MPE (±)"), max_length=40, required=False)
    expanded_uncertainty = forms.CharField(label=_("U"), max_length=40, required=False)
    coverage_k = forms.CharField(label=_("k"), max_length=10, required=False)
    u_source = forms.ChoiceField(
        label=_("Uncertainty"), choices=Point.Source.choices, required=False
    )
    budget_values = forms.CharField(
        label=_("Budget values (JSON)"), max_length=5000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each cell of the points table is named by its column and row for screen readers (the
        # column header is not a label); the title gives sighted users the same.
        row = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        for field in self.fields.values():
            label = f"{field.label} {int(row) + 1}" if digits(row) else str(field.label)
            field.widget.attrs.setdefault("aria-label", label)
            field.widget.attrs.setdefault("title", label)

    def point(self) -> dict | None:
        """The point as the services take it; None for an empty row."""
        data = self.cleaned_data
        if not any(
            str(data.get(k) or "").strip() for k in ("nominal", "readings", "as_found", "as_left")
        ):
            return None
        point = {k: (data.get(k) or "").strip() for k in
                 ("characteristic", "nominal", "unit", "as_found", "as_left", "mpe",
                  "expanded_uncertainty", "coverage_k")}  # fmt: skip
        point["readings"] = [r for r in _SPLIT.split(data.get("readings") or "") if r]
        point["u_source"] = data.get("u_source") or Point.Source.TYPED
        text = (data.get("budget_values") or "").strip()
        try:
            point["budget_values"] = json.loads(text) if text else {}
        except ValueError:
            point["budget_values"] = "invalid"
        return point


PointFormSet = forms.formset_factory(PointForm, extra=0, max_num=200, absolute_max=200)


def point_initial(point: Point) -> dict:
    return {
        "characteristic": point.characteristic,
        "nominal": point.nominal,
        "unit": point.unit,
        "readings": " ".join(point.readings),
        "as_found": point.as_found,
        "as_left": point.as_left,
        "mpe": point.mpe,
        "expanded_uncertainty": point.expanded_uncertainty if point.u_source == "typed" else "",
        "coverage_k": point.coverage_k if point.u_source == "typed" else "",
        "u_source": point.u_source,
        "budget_values": json.dumps(point.budget_values, ensure_ascii=False)
        if point.budget_values
        else "",
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)

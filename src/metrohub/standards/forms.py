"""Forms of the standards pages; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.standards.models import MeasurementStandard

DATE = forms.DateInput(attrs={"type": "date"})


class StandardForm(forms.Form):
    center = forms.ModelChoiceField(queryset=None, label=_("Center"), empty_label=None)
    name = forms.CharField(label=_("Name of the standard"), max_length=200)
    measurand = forms.CharField(label=_("Measurand"), max_length=200)
    range_text = forms.CharField(label=_("Measuring range"), max_length=200, required=False)
    uncertainty = forms.CharField(
        label=_("Uncertainty, accuracy class or MPE"), max_length=200, required=False
    )
    exam_certificate_number = forms.CharField(
        label=_("Examination certificate number"), max_length=100
    )
    exam_valid_until = forms.DateField(label=_("Examination certificate valid until"), widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=MeasurementStandard.Status.choices, required=False
    )

    def __init__(self, *args, centers=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["center"]
        else:
            self.fields["center"].queryset = centers
            del self.fields["status"]


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Instrument"), max_length=200)
    model = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=200, required=False)
    accuracy = forms.CharField(
        label=_("Uncertainty, accuracy class or MPE"), max_length=200, required=False
    )


class InstrumentCertificateForm(forms.Form):
    platform_number = forms.CharField(
        label=_("Number of a certificate issued on this platform"),
        max_length=40,
        required=False,
        help_text=_("Or leave empty and describe the external certificate below."),
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Date of calibration"), required=False, widget=DATE)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    uncertainty = forms.CharField(label=_("Uncertainty"), max_length=200, required=False)


class AuthorizationForm(forms.Form):
    center = forms.ModelChoiceField(queryset=None, label=_("Center"), empty_label=None)
    person = forms.ModelChoiceField(queryset=None, label=_("Person"))
    method_code = forms.CharField(label=_("Method document"), max_length=60)
    may_perform = forms.BooleanField(label=_("May perform"), required=False)
    may_check = forms.BooleanField(label=_("May check"), required=False)
    may_approve = forms.BooleanField(label=_("May approve"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    credential = forms.CharField(label=_("Credential number"), max_length=100, required=False)

    def __init__(self, *args, centers=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        self.fields["person"].queryset = people


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)

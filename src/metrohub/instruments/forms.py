from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.instruments.models import CompulsoryCategory, Instrument, Use
from metrohub.organisations.models import Jurisdiction


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Instrument"), max_length=200)
    model = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=200, required=False)
    measurand = forms.CharField(label=_("Quantity"), max_length=100, required=False)
    value = forms.DecimalField(label=_("Typical value measured"), max_digits=24,
                               decimal_places=12, required=False)  # fmt: skip
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)
    location = forms.CharField(label=_("Where it is used"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Compulsory verification category"), queryset=CompulsoryCategory.objects.all(),
        required=False,
    )  # fmt: skip
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices, initial=Use.OTHER)
    interval_months = forms.IntegerField(label=_("Interval (months)"), min_value=1,
                                         max_value=120, required=False)  # fmt: skip
    last_verified_on = forms.DateField(
        label=_("Last verified or calibrated"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    due_on = forms.DateField(label=_("Due date"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    shared_with_center = forms.BooleanField(
        label=_("The center that last certified it may see it falling due"), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) or CSV"))


class CertificateLinkForm(forms.Form):
    certificate_number = forms.CharField(label=_("Certificate number on this platform"),
                                         max_length=40)  # fmt: skip


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).order_by("code"),
    )


class FilingForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        from metrohub.instruments.models import Site

        self.fields["site"].queryset = Site.objects.filter(owner=owner)


__all__ = ["Instrument"]

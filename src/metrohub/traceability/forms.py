from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.traceability.models import Assessment, Incident


class FindingForm(forms.Form):
    instrument = forms.ModelChoiceField(
        label=_("Standard instrument"), queryset=None, required=False,
        empty_label=_("the whole standard"),
    )  # fmt: skip
    cause = forms.ChoiceField(label=_("Cause"), choices=Incident.Cause.choices)
    found_on = forms.DateField(
        label=_("Date found"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_good_on = forms.DateField(
        label=_("Date of the last good calibration"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    effect = forms.CharField(label=_("Effect"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = standard.instruments.all()


class AssessmentForm(forms.Form):
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[(v, label) for v, label in Assessment.choices if v != Assessment.PENDING],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

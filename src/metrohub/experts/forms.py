from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrohub.catalogue.models import Area
from metrohub.experts.taxonomy import domains


class ProfileForm(forms.Form):
    title = forms.CharField(label=_("professional title"), max_length=100, required=False)
    domains = forms.MultipleChoiceField(
        label=_("industry domains"), required=False, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.MultipleChoiceField(
        label=_("metrology areas"),
        required=False,
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    available = forms.BooleanField(label=_("available for panels"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        self.fields["domains"].choices = [
            (code, en if english else zh) for code, zh, en in domains()
        ]


class EmploymentForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    started = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended = forms.DateField(
        label=_("until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while you still work there."),
    )

    def __init__(self, *args, **kwargs):
        from metrohub.organisations.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=None)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        from metrohub.organisations.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

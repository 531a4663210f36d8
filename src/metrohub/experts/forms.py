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

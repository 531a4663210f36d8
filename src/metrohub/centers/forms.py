from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.centers.registry import industries, regions


class RegistryForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["region"].choices = everything + [(j.code, j.name) for j in regions()]
        self.fields["industry"].choices = everything + [(i, i) for i in industries()]
        self.fields["status"].choices = everything + [
            (value, label) for value, label in Center.Status.choices if value != "revoked"
        ]

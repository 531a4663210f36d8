from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.organisations.models import Organisation
from metrohub.organisations.validators import validate_credit_code


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    # the validator says what is wrong (length, character, check character) in the reader's words;
    # Django's min_length read 确保该变量至少包含 18 字符(目前字符数 3)。
    credit_code = forms.CharField(
        label=_("unified social credit code"), max_length=18, validators=[validate_credit_code]
    )
    kind = forms.ChoiceField(label=_("type"), choices=Organisation.Kind.choices)
    jurisdiction_code = forms.ChoiceField(label=_("jurisdiction"))
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    contact_email = forms.EmailField(label=_("contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=40, required=False)

    def __init__(self, *args, jurisdictions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction_code"].choices = [
            (j.code, f"{j.code} {j}") for j in jurisdictions
        ]

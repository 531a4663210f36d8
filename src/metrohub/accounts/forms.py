from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from metrohub.accounts.services import DEFAULT_TOKEN_DAYS, max_token_days


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=DEFAULT_TOKEN_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = max_token_days()
        field = self.fields["days"]
        field.max_value = longest
        field.validators.append(MaxValueValidator(longest))
        field.widget.attrs["max"] = longest
        field.initial = min(DEFAULT_TOKEN_DAYS, longest)
        field.help_text = _("At most %(max)d days; then issue a new token.") % {"max": longest}

"""Page forms of enquiries; the services validate again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.core.attachments import MultipleFileField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnquiryForm(forms.Form):
    subject = forms.CharField(label=_("What to measure"), max_length=200)
    details = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Range, conditions, the method or standard you need, how samples travel."),
    )
    quantity = forms.IntegerField(label=_("Quantity (items)"), min_value=1, max_value=1000000)
    uncertainty = forms.CharField(
        label=_("Uncertainty needed"),
        max_length=200,
        required=False,
        help_text=_("e.g. U = 0.05 %, k = 2"),
    )
    needed_by = forms.DateField(label=_("Needed by"), required=False, widget=DATE)
    attachments = MultipleFileField(label=_("Attachments"))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("Attachments"))


class QuoteForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Price (yuan)"), min_value=0.01, max_digits=12, decimal_places=2
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    text = forms.CharField(
        label=_("Terms"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

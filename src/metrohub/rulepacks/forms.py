"""The form on which a programme regulator enters the texts a seed does not give."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TextsForm(forms.Form):
    effective_date = forms.DateField(
        label=_("The new version takes effect on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = list(pending)
        for i, item in enumerate(self.pending):
            label = item["label"]
            self.fields[f"i{i}_text_zh"] = forms.CharField(
                label=_("%(item)s: text (Chinese)") % {"item": label},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"i{i}_text_en"] = forms.CharField(
                label=_("text (English)"), max_length=2000, required=False
            )
            self.fields[f"i{i}_source_document"] = forms.CharField(
                label=_("source document"), max_length=200, required=False
            )
            self.fields[f"i{i}_source_article"] = forms.CharField(
                label=_("article in the source"), max_length=60, required=False
            )

    def items(self) -> list[dict]:
        """The items the regulator filled (a row with any field filled is taken)."""
        out = []
        for i, item in enumerate(self.pending):
            keys = ("text_zh", "text_en", "source_document", "source_article")
            values = {k: self.cleaned_data.get(f"i{i}_{k}", "") for k in keys}
            if any(values.values()):
                out.append({"section": item["section"], "code": item["code"], **values})
        return out

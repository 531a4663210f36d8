from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.inspections import services


class OrderForm(forms.Form):
    reasons = forms.CharField(
        label=_("What to rectify"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    rectify_by = forms.DateField(
        label=_("Rectify by"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("The district's summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.SUMMARY_LIMIT,
    )


class OpenForm(forms.Form):
    center = forms.ChoiceField(label=_("Center"))

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [(c.code, c.name) for c in centers]


def posted_checklist(data, case) -> list[dict]:
    """The checklist as the page posts it: result-<item>, note-<item>; items left blank are
    not sent (the service then asks for them by name)."""
    rows = []
    for item in services.checklist_items(case):
        result = data.get(f"result-{item.code}", "")
        note = data.get(f"note-{item.code}", "")
        if result:
            rows.append({"item": item.code, "result": result, "note": note})
    return rows

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.annualreports import services


class ReportForm(forms.Form):
    """The report's fields; the typical cases come as rows case-N-field (added in the page)."""

    summary = forms.CharField(
        label=_("This year's work summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=services.TEXT_LIMIT,
        required=False,
    )
    plan = forms.CharField(
        label=_("Next year's work plan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.TEXT_LIMIT,
        required=False,
    )

    def __init__(self, *args, figures=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in services.FIGURES:
            self.fields[f"figure_{code}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=services.MAX_FIGURE,
                initial=(figures or {}).get(code),
            )

    def figures(self) -> dict:
        return {code: self.cleaned_data.get(f"figure_{code}") for code in services.FIGURE_CODES}


def typical_cases(data) -> list[dict]:
    """The rows of typical cases posted by the page: case-0-title, case-0-industry, …"""
    rows = []
    for i in range(services.MAX_CASES + 1):
        row = {code: data.get(f"case-{i}-{code}", "") for code, _l, _n in services.CASE_FIELDS}
        if f"case-{i}-title" not in data:
            break
        rows.append(row)
    return rows

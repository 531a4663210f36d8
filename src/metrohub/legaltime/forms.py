from django import forms
from django.utils.translation import gettext_lazy as _

#: A period's unit as a reader says it (a rule pack's deadlines and the calculator name units by
#: code).
UNIT_NAMES = {
    "days": _("days"),
    "working_days": _("working days"),
    "months": _("months"),
    "years": _("years"),
}


class DeadlineForm(forms.Form):
    start = forms.DateField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day of the event; it is not counted (Civil Code art. 201)."),
    )
    count = forms.IntegerField(label=_("Count"), min_value=1, max_value=100_000)
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=list(UNIT_NAMES.items()),
    )
    option = forms.ChoiceField(
        label=_("If the last day is a rest day"),
        required=False,
        # a period's last day on a holiday ends the day after it (Civil Code art. 203)
        initial="extend_holiday",
        choices=[
            ("", _("leave it")),
            ("extend_holiday", _("move to the day after the rest ends (Civil Code art. 203)")),
            ("next_working_day", _("move to the next working day")),
        ],
    )

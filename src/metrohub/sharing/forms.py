"""Page forms of open sharing; the services validate again (bounds, rules, who may act)."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.sharing.models import Blackout, Resource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
INTERVAL = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~～至]\s*(\d{1,2}:\d{2})$")


def parse_intervals(text: str) -> list[tuple[dt.time, dt.time]]:
    """'08:30-12:00 13:30-17:00' (or with commas): the day's opening intervals."""
    out = []
    for part in re.split(r"[\s,，;；、]+", (text or "").strip()):
        if not part:
            continue
        found = INTERVAL.match(part)
        if not found:
            raise forms.ValidationError(
                _("Write intervals as 08:30-12:00, separated by spaces or commas.")
            )
        try:
            opens, closes = (dt.time.fromisoformat(t.zfill(5)) for t in found.groups())
        except ValueError:
            raise forms.ValidationError(_("%(text)s is not a time.") % {"text": part}) from None
        if closes <= opens:
            raise forms.ValidationError(_("%(text)s closes before it opens.") % {"text": part})
        out.append((opens, closes))
    return out


def intervals_text(rows) -> str:
    return " ".join(f"{r.opens:%H:%M}-{r.closes:%H:%M}" for r in rows)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    model_number = forms.CharField(label=_("Make and model"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    capability_lines = forms.MultipleChoiceField(
        label=_("Capabilities it serves"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    rules_of_use = forms.CharField(
        label=_("Rules of use"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fees = forms.CharField(
        label=_("Fees (收费标准)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hourly_fee = forms.DecimalField(
        label=_("Fee per hour (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    audience = forms.ChoiceField(label=_("Who may book"), choices=Resource.Audience.choices)
    approved_organisations = forms.CharField(
        label=_("Approved organisations"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Unified social credit codes, one a line (when only approved organisations may book)."
        ),
    )
    approval_required = forms.BooleanField(label=_("Bookings need approval"), required=False)
    lead_time_hours = forms.IntegerField(
        label=_("Book at least (hours ahead)"), min_value=0, max_value=2160
    )
    cancel_hours = forms.IntegerField(
        label=_("Cancel free of charge until (hours before the start)"), min_value=0, max_value=2160
    )
    max_hours = forms.IntegerField(label=_("Longest booking (hours)"), min_value=1, max_value=24)
    closed_on_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Resource.Status.choices)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability_lines"].choices = [
            (str(line.pk), f"{line.measurand} {line.instrument}".strip()) for line in lines
        ]
        for number, label in enumerate(WEEKDAYS):
            self.fields[f"day_{number}"] = forms.CharField(
                label=_("Opening hours: %(day)s") % {"day": label},
                required=False,
                max_length=200,
                help_text=_("e.g. 08:30-12:00 13:30-17:00; empty: closed") if number == 0 else "",
            )

    def clean(self):
        data = super().clean()
        hours = []
        for number in range(7):
            try:
                for opens, closes in parse_intervals(data.get(f"day_{number}", "")):
                    hours.append((number, opens, closes))
            except forms.ValidationError as exc:
                self.add_error(f"day_{number}", exc)
        data["opening_hours"] = hours
        codes = [c.strip().upper() for c in (data.get("approved_organisations") or "").split()]
        data["approved_codes"] = [c for c in codes if c]
        return data


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("PNG, JPEG, GIF or WebP images."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class BlackoutForm(forms.Form):
    start_date = forms.DateField(label=_("From (date)"), widget=DATE)
    start_time = forms.TimeField(label=_("From (time)"), widget=TIME, initial=dt.time(0, 0))
    end_date = forms.DateField(label=_("Until (date)"), widget=DATE)
    end_time = forms.TimeField(label=_("Until (time)"), widget=TIME, initial=dt.time(23, 59))
    reason = forms.ChoiceField(label=_("Reason"), choices=Blackout.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BookingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    planned_samples = forms.IntegerField(
        label=_("Samples planned"), min_value=0, max_value=100000, required=False
    )
    organisation = forms.ChoiceField(label=_("For the organisation"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if organisations:
            self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        else:
            del self.fields["organisation"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class UsageForm(forms.Form):
    used_hours = forms.DecimalField(
        label=_("Hours used"), min_value=0, max_value=24, max_digits=5, decimal_places=2
    )
    samples = forms.IntegerField(
        label=_("Samples measured"), min_value=0, max_value=100000, required=False
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedForm(forms.Form):
    resource = forms.ChoiceField(label=_("Calendar of"), required=False)

    def __init__(self, *args, resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [("", _("my bookings"))] + [
            (r.pk, r.name) for r in resources
        ]

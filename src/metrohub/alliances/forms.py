"""Page forms of alliances; the services validate again (bounds, choices, who may act)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.alliances.models import Activity, Member, ValueChainPosition
from metrohub.core.attachments import MultipleFileField
from metrohub.organisations.validators import validate_credit_code

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AllianceForm(forms.Form):
    name = forms.CharField(label=_("Name of the alliance"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("Aims"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    charter = forms.FileField(
        label=_("Charter"),
        required=False,
        help_text=_("PDF, Word, OFD or another document type accepted for case materials."),
    )


class FoundForm(AllianceForm):
    center = forms.ChoiceField(label=_("Lead center"))
    field_order = ["center"]

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [(c.code, c.name) for c in centers]


class MemberForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Unified social credit code of the organisation"),
        max_length=18,
        validators=[validate_credit_code],
        help_text=_("The organisation must be registered on the platform."),
    )
    position = forms.ChoiceField(
        label=_("Position in the value chain"), choices=ValueChainPosition.choices
    )
    capabilities = forms.CharField(
        label=_("Capabilities brought"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DATE)


class JoinForm(forms.Form):
    organisation = forms.ChoiceField(label=_("For the organisation"))
    position = forms.ChoiceField(
        label=_("Position in the value chain"), choices=ValueChainPosition.choices
    )
    capabilities = forms.CharField(
        label=_("Capabilities brought"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    message = forms.CharField(
        label=_("Message to the center"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("approve")), ("refuse", _("refuse")), ("end", _("left"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Attending members"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=_("Other attendees"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attendee_count = forms.IntegerField(
        label=_("Number of attendees"), min_value=0, max_value=100000, required=False
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    materials = MultipleFileField(label=_("Materials"))
    photos = MultipleFileField(label=_("Photos"), help_text=_("PNG, JPEG, GIF or WebP images."))

    def __init__(self, *args, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alliance is not None:
            self.fields["members"].queryset = alliance.members.filter(
                status=Member.Status.ACTIVE
            ).select_related("organisation")
            self.fields["members"].label_from_instance = lambda m: m.organisation.name


class FilesForm(forms.Form):
    materials = MultipleFileField(label=_("Materials"))
    photos = MultipleFileField(label=_("Photos"), help_text=_("PNG, JPEG, GIF or WebP images."))

"""Page forms. The transition form is generated from the pack's records for that transition."""

import re

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.cases import application, services
from metrohub.core.bounds import digits
from metrohub.legaltime.forms import UNIT_NAMES
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.rulepacks.services import registry, shown_text

APPLICANT_KINDS = [
    Organisation.Kind.METROLOGY_INSTITUTE,
    Organisation.Kind.TESTING_INSTITUTION,
    Organisation.Kind.RESEARCH_INSTITUTE,
    Organisation.Kind.UNIVERSITY,
    Organisation.Kind.ENTERPRISE,
]


def programmes_for(user) -> list:
    """The programmes (latest pack of each code) whose jurisdiction covers one of the
    organisations the person applies for: a Hubei firm is not offered Shanghai's."""
    places = {
        j.pk
        for a in assignments(user)
        if a.role == Role.APPLICANT and a.organisation_id
        for j in a.organisation.jurisdiction.ancestors_and_self()
    }
    out = []
    for code in registry().codes():
        pack = registry().latest(code)
        if pack.pack.example:
            continue
        if any(
            j.code == pack.pack.jurisdiction for j in Jurisdiction.objects.filter(pk__in=places)
        ):
            out.append(pack)
    return out


def _orgs():
    return Organisation.objects.filter(kind__in=APPLICANT_KINDS).order_by(
        "jurisdiction__code", "name"
    )


class CaseNewForm(forms.Form):
    rulepack = forms.ChoiceField(label=_("Programme (rule pack)"))
    center_name = forms.CharField(label=_("Proposed center name"), max_length=200)
    center_name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    industry_domain = forms.ChoiceField(label=_("Industry"), required=False)
    district = forms.ChoiceField(label=_("District where the center sits"), required=False)
    co_builders = forms.ModelMultipleChoiceField(
        label=_("Co-builders (joint application)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty when applying alone."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = programmes_for(user)
        self.fields["rulepack"].choices = [
            (p.code, f"{p.pack.jurisdiction_name_zh} · {p.pack.title_zh}") for p in programmes
        ]
        self.fields["industry_domain"].choices = [("", "—"), *application.industry_choices()]
        self.fields["district"].choices = [("", "—"), *district_choices(programmes)]
        self.fields["co_builders"].queryset = _orgs()


def district_choices(programmes) -> list:
    """The districts of the programmes' jurisdictions, grouped by the city or province above
    them: a Chongqing applicant chose among every region's districts, and only the service's
    refusal told it that a Shanghai district lies outside the programme."""
    within = set()
    for place in Jurisdiction.objects.filter(code__in={p.pack.jurisdiction for p in programmes}):
        within |= place.descendant_ids()
    groups: dict[str, list] = {}
    districts = (
        Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT, pk__in=within)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    for district in districts:
        groups.setdefault(district.parent.name if district.parent else "", []).append(
            (district.code, district.name)
        )
    return list(groups.items())


SCALARS = (
    "summary",
    "director_name",
    "director_title",
    "contact_email",
    "contact_phone",
    "targets",
)


def _column(key, label, kind="text", limit=200):
    return {"key": key, "label": label, "kind": kind, "choices": None, "max": limit}


#: The application form's lists, edited as rows that can be added and removed.
ROW_LISTS = {
    "team": (
        _("Team"),
        [
            _column("name", _("Name"), limit=100),
            _column("title", _("Title")),
            _column("duty", _("Duty")),
        ],
    ),
    "equipment": (
        _("Equipment"),
        [
            _column("name", _("Name")),
            _column("model", _("Model")),
            _column("quantity", _("Quantity"), "number"),
        ],
    ),
    "capabilities": (
        _("Planned capabilities"),
        [_column("name", _("Capability")), _column("target", _("Target"))],
    ),
    "industry_needs": (
        _("Industry metrology needs table"),
        [
            _column("need", _("Need"), limit=500),
            _column("parameter", _("Parameter")),
            _column("priority", _("Priority")),
        ],
    ),
    "builder_duties": (
        _("Duties of each builder"),
        [
            _column("organisation", _("Organisation")),
            _column("staff", _("Staff"), "textarea"),
            _column("funds", _("Funds"), "textarea"),
            _column("equipment", _("Equipment"), "textarea"),
            _column("projects", _("Projects"), "textarea"),
            _column("ip", _("Intellectual property"), "textarea"),
        ],
    ),
}


class ApplicationFormForm(forms.Form):
    """The 申报书 as a page: the fields here; the lists are row editors (`ROW_LISTS`)."""

    center_name = forms.CharField(label=_("Proposed center name"), max_length=200, required=False)
    center_name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    industry_domain = forms.ChoiceField(label=_("Industry"), required=False)
    co_builders = forms.ModelMultipleChoiceField(
        label=_("Co-builders (joint application)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Each co-builder sees the application once it has consented."),
    )
    summary = forms.CharField(
        label=_("Basis and feasibility"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    director_name = forms.CharField(label=_("Director"), max_length=100, required=False)
    director_title = forms.CharField(label=_("Director's title"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    targets = forms.CharField(
        label=_("Construction targets"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, case=None, **kwargs):
        if case is not None and "initial" not in kwargs:
            form = case.form_data or {}
            initial = {k: form.get(k, "") for k in SCALARS}
            initial.update(
                center_name=case.center_name,
                center_name_en=case.center_name_en,
                industry_domain=case.industry_domain,
                co_builders=list(case.co_builders.all()),
            )
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["industry_domain"].choices = [("", "—"), *application.industry_choices()]
        self.fields["co_builders"].queryset = _orgs()

    def valid_fields(self) -> dict:
        """What is valid of what was posted (a field in error is left out, not saved)."""
        self.is_valid()
        data = dict(self.cleaned_data)
        out = {}
        form = {k: data[k] for k in SCALARS if k in data}
        if form:
            out["form"] = form
        for key in ("industry_domain", "center_name_en"):
            if key in data:
                out[key] = data[key]
        if data.get("center_name"):
            out["center_name"] = data["center_name"]
        if "co_builders" in data:
            out["co_builders"] = [o.pk for o in data["co_builders"]]
        return out


def posted_lists(data) -> dict:
    """The application form's lists as posted by their row editors."""
    out = {}
    for key, (_legend, columns) in ROW_LISTS.items():
        rows = posted_rows(data, key, [c["key"] for c in columns])
        if key == "equipment":
            for row in rows:
                quantity = row.get("quantity", "")
                row["quantity"] = int(quantity) if digits(quantity) else quantity or 1
        out[key] = rows
    return out


class MaterialForm(forms.Form):
    code = forms.ChoiceField(label=_("Type of material"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, case=None, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (m.code, shown_text(m)) for m in case.pack.materials if m.submitted_by in roles
        ]


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    text = forms.CharField(
        label=_("Objection"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Give an e-mail address or a phone number so the regulator can answer.")
            )
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Report"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


class EventReportForm(forms.Form):
    occurred_on = forms.DateField(
        label=_("The day the event occurred"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=_("The event, in writing"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class SelfCheckForm(forms.Form):
    met = forms.CharField(
        label=_("Checklist items met"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One item of the on-site acceptance checklist per line."),
    )
    unmet = forms.CharField(
        label=_("Checklist items not met"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One item per line; the self-check passes only when none remain."),
    )

    def items(self) -> list[dict]:
        met = [
            {"item": line.strip(), "met": True}
            for line in self.cleaned_data["met"].splitlines()
            if line.strip()
        ]
        unmet = [
            {"item": line.strip(), "met": False}
            for line in self.cleaned_data["unmet"].splitlines()
            if line.strip()
        ]
        return met + unmet


RECORD_LABELS = {
    "reasons": _("Reasons"),
    "defects": _("Defects (one per line)"),
    "opinions": _("Opinions"),
    "conclusion": _("Conclusion"),
    "document_number": _("Document number"),
    "document_date": _("Document date"),
    "score": _("Total score of the panel"),
    "supervisor": _("Supervisor sent by the district bureau"),
    "panel": _("Panel members (one per line)"),
    "evaluation_result": _("Result of the evaluation"),
    "grounds": _("Grounds"),
    "letter": _("Letter (number and summary)"),
    "guidance_record": _("Record of the on-site guidance"),
    "hearing_record": _("Record of the hearing"),
    "findings": _("Findings (one per line)"),
    "visit_date": _("Date of the visit"),
    "place": _("Place of the visit"),
    "problem": _("The problem found"),
    "answer": _("Answer"),
}
CONCLUSION_LABELS = {
    "recommend": _("recommend"),
    "not_recommend": _("do not recommend"),
    "pass": _("pass"),
    "fail": _("fail"),
}
TEXTAREAS = {
    "reasons",
    "defects",
    "opinions",
    "panel",
    "evaluation_result",
    "guidance_record",
    "hearing_record",
    "letter",
    "findings",
    "problem",
    "answer",
}


class TransitionForm(forms.Form):
    """Generated from the transition's records, opened deadlines and preconditions."""

    def __init__(self, *args, case, transition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.transition, pack = case, transition, case.pack
        for code in transition.records:
            if code == "objection_answers":
                for o in case.objections.filter(answer=""):
                    self.fields[f"answer_{o.pk}"] = forms.CharField(
                        label=_("Answer to objection #%(id)d (%(name)s)")
                        % {"id": o.pk, "name": o.name},
                        widget=forms.Textarea(attrs={"rows": 2}),
                        max_length=10000,
                    )
                continue
            label = RECORD_LABELS.get(code, code)
            if code == "conclusion":
                field = forms.ChoiceField(label=label, choices=list(CONCLUSION_LABELS.items()))
            elif code in ("document_date", "visit_date"):
                field = forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))
            elif code == "score":
                field = forms.DecimalField(label=label, max_digits=5, decimal_places=1, min_value=0)
            elif code == "supervisor":
                choices = [
                    (u.username, str(u))
                    for u in services.users_for(case, [Role.DISTRICT_REGULATOR])
                ]
                field = forms.ChoiceField(label=label, choices=choices)
            elif code == "grounds":
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=[(g.code, g.text_zh) for g in pack.revocation_grounds if g.text_given],
                    widget=forms.CheckboxSelectMultiple,
                )
            elif code in TEXTAREAS:
                field = forms.CharField(
                    label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
                )
            else:
                field = forms.CharField(label=label, max_length=200)
            self.fields[code] = field
        for deadline in pack.deadlines_opened_by(transition.name):
            if deadline.count is None:
                self.fields["deadline_count"] = forms.IntegerField(
                    label=_("Period for “%(name)s” (%(unit)s)")
                    % {
                        "name": deadline.name_en
                        if (get_language() or "").startswith("en")
                        else deadline.name_zh,
                        "unit": UNIT_NAMES[deadline.unit],
                    },
                    min_value=1,
                    max_value=3650,
                )
        if "preconditions_met" in transition.preconditions and any(
            c.applies_to == "acceptance" and c.text_given for c in pack.conditions
        ):
            self.fields["conditions_met"] = forms.MultipleChoiceField(
                label=_("Conditions for requesting acceptance (confirm each)"),
                choices=[
                    (c.code, f"{c.text_zh} · {c.article}")
                    for c in pack.conditions
                    if c.applies_to == "acceptance" and c.text_given
                ],
                widget=forms.CheckboxSelectMultiple,
            )
        roles = services.case_roles(user, case)
        self.defects = services.open_defects(case) if Role.APPLICANT in roles else None
        if self.defects and not pack.stage(transition.to).terminal:
            for i, item in enumerate(self.defects["items"]):
                self.fields[f"defect_{i}"] = forms.CharField(
                    label=_("Your answer to: %(defect)s") % {"defect": item},
                    widget=forms.Textarea(attrs={"rows": 2}),
                    max_length=2000,
                )
        if roles & set(services.AUTHORITY_ROLES):
            self.fields["effective_date"] = forms.DateField(
                label=_("Done earlier on paper, on"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_(
                    "Leave empty for today; an earlier date is logged as an act done on paper."
                ),
            )

    def payload(self) -> dict:
        data, out = self.cleaned_data, {}
        for code in self.transition.records:
            if code == "objection_answers":
                out[code] = [
                    {"objection": int(k.split("_", 1)[1]), "answer": v}
                    for k, v in data.items()
                    if k.startswith("answer_") and v
                ]
            elif code in ("document_date", "visit_date"):
                out[code] = data[code].isoformat()
            elif code == "score":
                out[code] = str(data[code])
            else:
                out[code] = data[code]
        for key in ("deadline_count", "conditions_met"):
            if key in data:
                out[key] = data[key]
        if self.defects and "defect_0" in self.fields:
            out["defect_answers"] = [
                data.get(f"defect_{i}", "") for i in range(len(self.defects["items"]))
            ]
        return out


def posted_rows(data, prefix: str, keys) -> list[dict]:
    """The rows a row editor posted (prefix-N-key), in order, without the empty ones."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{1,4}})-")
    indices = sorted({int(m.group(1)) for k in data for m in [pattern.match(k)] if m})
    rows = []
    for i in indices[:500]:
        row = {k: str(data.get(f"{prefix}-{i}-{k}", "")).strip() for k in keys}
        if any(row.values()):
            rows.append(row)
    return rows


def editor_rows(rows, errors: dict, key: str) -> list[dict]:
    """Rows for `_rows.html`: each with its values and the errors named under key.N."""
    out = []
    for i, row in enumerate(rows or []):
        mine = [
            m
            for k, ms in errors.items()
            if k == f"{key}.{i}" or k.startswith(f"{key}.{i}.")
            for m in ms
        ]
        out.append({"values": row, "errors": mine})
    return out

"""Page forms. The transition form is generated from the pack's records for that transition."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from metrohub.accounts.models import Role
from metrohub.cases import application, services
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.rulepacks.services import registry, shown_text

SEP = re.compile(r"\s*[|｜]\s*")
APPLICANT_KINDS = [
    Organisation.Kind.METROLOGY_INSTITUTE,
    Organisation.Kind.TESTING_INSTITUTION,
    Organisation.Kind.RESEARCH_INSTITUTE,
    Organisation.Kind.UNIVERSITY,
    Organisation.Kind.ENTERPRISE,
]


def _rows(text: str, keys: list[str]) -> list[dict]:
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = SEP.split(line.strip())
        out.append({k: (parts[i].strip() if i < len(parts) else "") for i, k in enumerate(keys)})
    return out


def _text(rows: list[dict], keys: list[str]) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in keys).rstrip(" |") for r in rows or [])


LISTS = {
    "team": ["name", "title", "duty"],
    "equipment": ["name", "model", "quantity"],
    "capabilities": ["name", "target"],
    "industry_needs": ["need", "parameter", "priority"],
    "builder_duties": ["organisation", "staff", "funds", "equipment", "projects", "ip"],
}


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rulepack"].choices = [
            (p.code, f"{p.pack.jurisdiction_name_zh} · {p.pack.title_zh}")
            for p in (registry().latest(c) for c in registry().codes())
            if not p.pack.example
        ]
        self.fields["industry_domain"].choices = [("", "—"), *application.industry_choices()]
        self.fields["district"].choices = [("", "—")] + [
            (j.code, f"{j.parent.name if j.parent else ''} {j.name}")
            for j in Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).select_related(
                "parent"
            )
        ]
        self.fields["co_builders"].queryset = _orgs()


class ApplicationFormForm(forms.Form):
    """The 申报书 as a page: lists are one entry per line, columns separated by |."""

    center_name = forms.CharField(label=_("Proposed center name"), max_length=200, required=False)
    center_name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    industry_domain = forms.ChoiceField(label=_("Industry"), required=False)
    co_builders = forms.ModelMultipleChoiceField(
        label=_("Co-builders (joint application)"),
        queryset=Organisation.objects.none(),
        required=False,
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
    team = forms.CharField(
        label=_("Team"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One person per line: name | title | duty"),
    )
    equipment = forms.CharField(
        label=_("Equipment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line: name | model | quantity"),
    )
    capabilities = forms.CharField(
        label=_("Planned capabilities"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line: capability | target"),
    )
    targets = forms.CharField(
        label=_("Construction targets"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    industry_needs = forms.CharField(
        label=_("Industry metrology needs table"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One need per line: need | parameter | priority"),
    )
    builder_duties = forms.CharField(
        label=_("Duties of each builder"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "One builder per line: organisation | staff | funds | equipment | projects | IP"
        ),
    )

    def __init__(self, *args, case=None, **kwargs):
        if case is not None and "initial" not in kwargs:
            form = case.form_data or {}
            initial = {
                k: form.get(k, "")
                for k in (
                    "summary",
                    "director_name",
                    "director_title",
                    "contact_email",
                    "contact_phone",
                    "targets",
                )
            }
            initial.update({k: _text(form.get(k) or [], keys) for k, keys in LISTS.items()})
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

    def form_data(self) -> dict:
        data = self.cleaned_data
        out = {
            k: data.get(k, "")
            for k in (
                "summary",
                "director_name",
                "director_title",
                "contact_email",
                "contact_phone",
                "targets",
            )
        }
        for key, keys in LISTS.items():
            rows = _rows(data.get(key, ""), keys)
            if key == "equipment":
                for row in rows:
                    row["quantity"] = (
                        int(row["quantity"]) if str(row.get("quantity", "")).isdigit() else 1
                    )
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
            elif code == "document_date":
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
                    % {"name": deadline.name_zh, "unit": deadline.unit},
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
        if services.case_roles(user, case) & set(services.AUTHORITY_ROLES):
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
            elif code == "document_date":
                out[code] = data[code].isoformat()
            elif code == "score":
                out[code] = str(data[code])
            else:
                out[code] = data[code]
        for key in ("deadline_count", "conditions_met"):
            if key in data:
                out[key] = data[key]
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

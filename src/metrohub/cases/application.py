"""The application form (申报书) as validated data, what is still missing in it, and the shared
industry taxonomy (Shanghai guideline 三(二), used by every pack)."""

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

Short = Field(default="", max_length=200)
Long = Field(default="", max_length=5000)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TeamMember(_Part):
    name: str = Field(min_length=1, max_length=100)
    title: str = Short
    duty: str = Short


class EquipmentItem(_Part):
    name: str = Field(min_length=1, max_length=200)
    model: str = Short
    quantity: int = Field(default=1, ge=1, le=100000)


class PlannedCapability(_Part):
    name: str = Field(min_length=1, max_length=200)
    target: str = Short


class IndustryNeed(_Part):
    """One row of the industry metrology needs table (产业发展计量技术需求表, Hubei art. 10)."""

    need: str = Field(min_length=1, max_length=500)
    parameter: str = Short
    priority: str = Short


class BuilderDuties(_Part):
    """A joint builder's duties in staff, funds, equipment, projects and IP (Shanghai 三(四)1)."""

    organisation: str = Field(min_length=1, max_length=200)
    staff: str = Long
    funds: str = Long
    equipment: str = Long
    projects: str = Long
    ip: str = Long


class ApplicationForm(_Part):
    """Everything optional while drafting; `gaps()` says what is missing before submission."""

    summary: str = Long  # 建设基础与可行性
    director_name: str = Field(default="", max_length=100)
    director_title: str = Short
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    team: list[TeamMember] = Field(default=[], max_length=200)
    equipment: list[EquipmentItem] = Field(default=[], max_length=1000)
    capabilities: list[PlannedCapability] = Field(default=[], max_length=1000)
    targets: str = Long
    industry_needs: list[IndustryNeed] = Field(default=[], max_length=500)
    builder_duties: list[BuilderDuties] = Field(default=[], max_length=50)


def clean_form(data) -> dict:
    """The form as stored JSON; ValidationError naming every bad field (form.team.0.name)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError({"form": [_("The application form must be an object.")]})
    try:
        return ApplicationForm.model_validate(data).model_dump(mode="json")
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for item in exc.errors():
            key = ".".join(["form", *(str(p) for p in item["loc"])])
            errors.setdefault(key, []).append(item["msg"])
        raise ValidationError(errors) from None


def _errors(exc: PydanticError, prefix=("form",)) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors():
        key = ".".join([*prefix, *(str(p) for p in item["loc"])])
        errors.setdefault(key, []).append(item["msg"])
    return errors


def clean_form_partial(data, previous) -> tuple[dict, dict[str, list[str]]]:
    """Each part of the form validated on its own: a valid part replaces the stored one, an
    invalid part keeps what was stored and is reported (form.team.0.name) — so autosave keeps
    every valid field however many others are still wrong."""
    try:
        out = ApplicationForm.model_validate(previous or {}).model_dump(mode="json")
    except PydanticError:
        out = ApplicationForm().model_dump(mode="json")
    if not isinstance(data, dict):
        return out, {"form": [_("The application form must be an object.")]}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in ApplicationForm.model_fields:
            errors[f"form.{key}"[:80]] = [_("Not a field of the application form.")]
            continue
        try:
            out[key] = ApplicationForm.model_validate({key: value}).model_dump(mode="json")[key]
        except PydanticError as exc:
            errors.update(_errors(exc))
    return out, errors


@dataclass(frozen=True)
class Gap:
    field: str
    message: str


def gaps(case, *, needs_table: bool = False) -> list[Gap]:
    """Every missing part of the application at once."""
    form = case.form_data or {}
    out = []

    def need(field, ok, message):
        if not ok:
            out.append(Gap(field, message))

    need("center_name", case.center_name.strip(), _("Give the center's name."))
    need("industry_domain", case.industry_domain, _("Choose the industry the center serves."))
    need("form.summary", form.get("summary"), _("Describe the basis and feasibility."))
    need("form.director_name", form.get("director_name"), _("Name the center's director."))
    need("form.team", form.get("team"), _("List the team (at least one person)."))
    need(
        "form.capabilities",
        form.get("capabilities"),
        _("List the planned capabilities (at least one)."),
    )
    need("form.targets", form.get("targets"), _("State the construction targets."))
    if needs_table:
        need(
            "form.industry_needs",
            form.get("industry_needs"),
            _("Fill in the industry metrology needs table (at least one row)."),
        )
    if case.pk:
        named = {d.get("organisation", "") for d in form.get("builder_duties") or []}
        for org in case.co_builders.all():
            need(
                f"form.builder_duties.{org.pk}",
                org.name in named,
                _(
                    "State the duties of the co-builder %(name)s (staff, funds, equipment, projects, IP)."
                )
                % {"name": org.name},
            )
    return out


@cache
def _fields():
    from metrohub.rulepacks.services import registry

    try:
        pack = registry().latest("shanghai")
    except KeyError:
        return ()
    return tuple(pack.service_fields)


def industry_codes() -> set[str]:
    return {f.code for f in _fields()}


def industry_choices() -> list[tuple[str, str]]:
    """Sub-fields grouped under their parent, labelled in the visitor's language."""
    en = (get_language() or "").startswith("en")
    fields = _fields()
    out = []
    for parent in (f for f in fields if f.parent is None):
        children = [f for f in fields if f.parent == parent.code]
        label = parent.name_en if en else parent.name_zh
        if children:
            out.append((label, [(c.code, c.name_en if en else c.name_zh) for c in children]))
        else:
            out.append((parent.code, label))
    return out


def industry_name(code: str) -> str:
    en = (get_language() or "").startswith("en")
    for f in _fields():
        if f.code == code:
            return f.name_en if en else f.name_zh
    return code

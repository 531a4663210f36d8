"""Filing a case and editing its draft: the applicant files under the pack version in force on
the day; the application form is saved while the pack lets the applicant edit it."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.cases import application
from metrohub.cases.models import Case, CaseNote, Decision
from metrohub.cases.services import clock, consents, effects
from metrohub.cases.services.idempotency import digest, idempotent
from metrohub.cases.services.scope import case_roles, covers
from metrohub.cases.services.stages import editable_stages, pack_for
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Jurisdiction, Organisation


def _org(pk) -> Organisation:
    try:
        return Organisation.objects.get(pk=int(pk))
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValidationError(
            {"co_builders": [_("Unknown organisation %(id)s.") % {"id": pk}]}
        ) from None


def _check_fields(*, jurisdiction, industry_domain, district, applicant, co_builders):
    errors = {}
    if industry_domain and industry_domain not in application.industry_codes():
        errors["industry_domain"] = [_("Choose an industry from the list.")]
    if applicant.pk in {o.pk for o in co_builders}:
        errors["co_builders"] = [_("The lead builder is not its own co-builder.")]
    if district is not None and not covers(jurisdiction, district):
        errors["district"] = [_("The district must lie in %(name)s.") % {"name": jurisdiction.name}]
    if errors:
        raise ValidationError(errors)


def _district(code) -> Jurisdiction | None:
    if not code:
        return None
    code = str(code)[:20]
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"district": [_("Unknown division code %(code)s.") % {"code": code}]})
    return found


def snapshot(case: Case) -> dict:
    """The application as it stands: what the applicant signs and seals."""
    from metrohub.cases.services.materials import current_materials

    pack = case.pack
    return {
        "center_name": case.center_name,
        "center_name_en": case.center_name_en,
        "industry": application.industry_name(case.industry_domain),
        "applicant": case.applicant.name,
        "credit_code": case.applicant.credit_code,
        "district": case.district.name if case.district else "",
        "co_builders": [o.name for o in case.co_builders.all()],
        "form": case.form_data,
        "materials": [
            {
                "name": pack.material(m.code).name_zh,
                "version": m.version,
                "filename": m.filename,
                "sha256": m.sha256,
            }
            for m in current_materials(case).values()
        ],
        "rulepack": pack.pack.title_zh,
    }


@effects.listen
def keep_the_application_as_filed(ctx) -> None:
    """When the applicant submits the application form, its content is kept as filed."""
    t = ctx.transition
    if "application_form" not in t.materials or ctx.role != Role.APPLICANT:
        return
    data = {**snapshot(ctx.case), "transition": t.name_zh, "filed_on": ctx.on.isoformat()}
    note = CaseNote.objects.create(
        case=ctx.case,
        kind=CaseNote.Kind.FILED_APPLICATION,
        code=t.name,
        data=data,
        author=ctx.actor,
    )
    ctx.extra["application_as_filed"] = {"note": note.pk, "sha256": _digest(data)}


def _digest(data) -> str:
    import hashlib

    from metrohub.eventlog.services import canonical_json

    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def _not_barred(pack, applicant, on) -> None:
    """A pack may bar an organisation whose center was revoked from applying again for some
    years (`[reapplication] bar_years`); none of the shipped packs does: the seeds give no bar."""
    years = pack.reapplication.bar_years
    if not years:
        return
    revocation = (
        Decision.objects.filter(
            case__applicant=applicant,
            case__rulepack_code=pack.code,
            kind=Decision.Kind.REVOCATION,
        )
        .select_related("case")
        .order_by("-document_date", "-pk")
        .first()
    )
    if revocation is None:
        return
    revoked_on = revocation.document_date or revocation.created_at.date()
    until = revoked_on + relativedelta(years=years)
    if on < until:
        raise Conflict(
            _(
                "%(org)s's center was revoked on %(day)s (case #%(case)d); under %(article)s it may "
                "apply again from %(until)s."
            )
            % {
                "org": applicant.name,
                "day": revoked_on.isoformat(),
                "case": revocation.case_id,
                "article": pack.reapplication.article,
                "until": until.isoformat(),
            }
        )


#: the establishment's name in the API's first version, still accepted from its callers
LEGACY_KIND = "center-application"


def create_case(
    *,
    actor,
    rulepack: str = "",
    center_name: str = "",
    kind: str = Case.ESTABLISHMENT,
    center: str | None = None,
    center_name_en: str = "",
    industry_domain: str = "",
    applicant=None,
    co_builders=(),
    district=None,
    form=None,
    idempotency_key=None,
) -> Case:
    """An applicant files a new case under the pack version in force today; a case of another
    kind concerns a registered center and is opened by the roles its kind names."""
    if kind == LEGACY_KIND:
        kind = Case.ESTABLISHMENT
    if kind != Case.ESTABLISHMENT:
        from metrohub.cases.services.duties import open_case

        request = {"kind": kind, "center": center}

        def other():
            case = open_case(actor=actor, kind=kind, center=center or "")
            return case, {"case": case.pk}

        return idempotent(
            actor,
            idempotency_key,
            "cases:create",
            digest(request),
            other,
            lambda stored: Case.objects.get(pk=stored["case"]),
        )
    if not rulepack:
        raise ValidationError({"rulepack": [_("Name the rule pack.")]})
    orgs = [
        a.organisation for a in assignments(actor) if a.role == Role.APPLICANT and a.organisation
    ]
    if not orgs:
        raise PermissionDenied(_("Only applicant staff file applications."))
    request = {
        "rulepack": rulepack,
        "kind": kind,
        "center_name": center_name,
        "center_name_en": center_name_en,
        "industry_domain": industry_domain,
        "applicant": applicant,
        "co_builders": list(co_builders),
        "district": district,
        "form": form,
    }

    def work():
        case = _create(actor, orgs, **request)
        return case, {"case": case.pk}

    def replay(stored):
        return Case.objects.get(pk=stored["case"])

    return idempotent(actor, idempotency_key, "cases:create", digest(request), work, replay)


def _create(
    actor,
    orgs,
    *,
    rulepack,
    kind,
    center_name,
    center_name_en,
    industry_domain,
    applicant,
    co_builders,
    district,
    form,
):
    if applicant in (None, ""):
        lead = orgs[0]
    else:
        lead = next((o for o in orgs if str(o.pk) == str(applicant)), None)
        if lead is None:
            raise PermissionDenied(_("You apply only for an organisation you work for."))
    filed = clock.today()
    pack = pack_for(rulepack, filed)
    _not_barred(pack, lead, filed)
    jurisdiction = Jurisdiction.objects.filter(code=pack.pack.jurisdiction).first()
    if jurisdiction is None:
        raise ValidationError({"rulepack": [_("The pack's jurisdiction is not registered.")]})
    if not covers(jurisdiction, lead.jurisdiction):
        raise ValidationError(
            {
                "applicant": [
                    _("%(org)s is not registered in %(place)s.")
                    % {"org": lead.name, "place": jurisdiction.name}
                ]
            }
        )
    builders = [_org(pk) for pk in co_builders]
    district_j = _district(district)
    if district_j is None and lead.jurisdiction.level == Jurisdiction.Level.DISTRICT:
        district_j = lead.jurisdiction
    names = bounds.texts(
        {
            "center_name": (center_name, 200),
            "center_name_en": (center_name_en, 200),
            "industry_domain": (industry_domain, 64),
        }
    )
    center_name, center_name_en = names["center_name"], names["center_name_en"]
    industry_domain = names["industry_domain"]
    if not center_name:
        raise ValidationError({"center_name": [_("Give the center's name.")]})
    _check_fields(
        jurisdiction=jurisdiction,
        industry_domain=industry_domain,
        district=district_j,
        applicant=lead,
        co_builders=builders,
    )
    case = Case.objects.create(
        kind=kind,
        rulepack_code=pack.code,
        rulepack_version=pack.version,
        state=pack.initial_stage().code,
        filed_on=filed,
        applicant=lead,
        jurisdiction=jurisdiction,
        district=district_j,
        center_name=center_name,
        center_name_en=center_name_en,
        industry_domain=industry_domain or "",
        form_data=application.clean_form(form),
        created_by=actor,
    )
    case.co_builders.set(builders)
    append_event(
        subject=case.subject,
        action="case.filed",
        actor=actor,
        article=pack.initial_stage().article,
        effective_date=filed,
        payload={
            "rulepack": pack.key,
            "kind": kind,
            "applicant": lead.credit_code,
            "center_name": case.center_name,
        },
    )
    consents.invite(case, builders, actor)
    return case


def autosave_draft(*, actor, case: Case, **fields) -> dict[str, list[str]]:
    """Save what is valid of the draft and report what is not, field by field: one invalid
    field never stops the others from being saved. Returns {field: [messages]}."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("Only the applicant edits the application."))
    if case.state not in editable_stages(case.pack):
        raise Conflict(_("The application is no longer editable at this stage."))
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if "form" in fields:
            form, problems = application.clean_form_partial(fields.pop("form"), case.form_data)
            Case.objects.filter(pk=case.pk).update(form_data=form)
            errors.update(problems)
        for name, value in fields.items():
            try:
                with transaction.atomic():
                    update_draft(actor=actor, case=case, **{name: value})
            except ValidationError as exc:
                errors.update(exc.message_dict)
    return errors


def update_draft(*, actor, case: Case, **fields) -> Case:
    """Save the draft (autosave): only the applicant, only while the form is editable."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("Only the applicant edits the application."))
    if case.state not in editable_stages(case.pack):
        raise Conflict(_("The application is no longer editable at this stage."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if "form" in fields:
            case.form_data = application.clean_form(fields["form"])
        given = bounds.texts(
            {
                k: (fields[k], n)
                for k, n in (("center_name", 200), ("center_name_en", 200), ("industry_domain", 64))
                if k in fields
            }
        )
        if "center_name" in given:
            if not given["center_name"]:
                raise ValidationError({"center_name": [_("Give the center's name.")]})
            case.center_name = given["center_name"]
        if "center_name_en" in given:
            case.center_name_en = given["center_name_en"]
        builders = None
        if "co_builders" in fields:
            builders = [_org(pk) for pk in fields["co_builders"] or []]
        if "industry_domain" in given:
            case.industry_domain = given["industry_domain"]
        _check_fields(
            jurisdiction=case.jurisdiction,
            industry_domain=case.industry_domain,
            district=case.district,
            applicant=case.applicant,
            co_builders=builders if builders is not None else list(case.co_builders.all()),
        )
        case.save()
        if builders is not None:
            case.co_builders.set(builders)
            consents.invite(case, builders, actor)
    return case

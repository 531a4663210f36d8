"""Materials: each upload is a new version of one kind of material; old versions are kept."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils.translation import gettext as _

from metrohub.cases.models import Case, Material
from metrohub.cases.services.idempotency import idempotent
from metrohub.cases.services.scope import case_roles
from metrohub.cases.uploads import ALLOWED, EXTENSIONS, sniff
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event


def current_materials(case: Case) -> dict[str, Material]:
    """The latest version of each kind of material."""
    out: dict[str, Material] = {}
    for m in case.materials.order_by("code", "-version"):
        out.setdefault(m.code, m)
    return out


def upload_material(
    *, actor, case: Case, code: str, content: bytes, filename: str, idempotency_key=None
) -> Material:
    pack = case.pack
    try:
        material = pack.material(code)
    except KeyError:
        raise ValidationError(
            {"code": [_("“%(code)s” is not a material of this rule pack.") % {"code": code}]}
        ) from None
    roles = case_roles(actor, case)
    if material.submitted_by not in roles:
        raise PermissionDenied(
            _("This material is submitted by: %(role)s.")
            % {"role": pack.role(material.submitted_by).name_zh}
        )
    if pack.stage(case.state).terminal:
        raise Conflict(_("The procedure has ended; nothing more can be submitted."))
    limit = settings.METROHUB_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}]}
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    kind = sniff(content)
    if kind not in ALLOWED:
        raise ValidationError(
            {
                "file": [
                    _("This kind of file is not accepted. Accepted: %(kinds)s.")
                    % {"kinds": "、".join(str(v) for v in ALLOWED.values())}
                ]
            }
        )
    sha = hashlib.sha256(content).hexdigest()
    scope = f"case:{case.pk}:material:{code}"

    def work():
        version = (case.materials.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
        stem = re.sub(r"[^\w.-]", "_", (filename or code).rsplit("/", 1)[-1])[:80] or code
        item = Material(
            case=case,
            code=code,
            version=version,
            filename=(filename or stem)[:255],
            sha256=sha,
            size=len(content),
            content_type=kind,
            uploaded_by=actor,
        )
        item.file.save(
            f"{case.pk}-{code}-v{version}.{EXTENSIONS[kind]}", ContentFile(content), save=False
        )
        item.save()
        append_event(
            subject=case.subject,
            action="material.uploaded",
            actor=actor,
            article=material.article,
            payload={
                "code": code,
                "version": version,
                "sha256": sha,
                "size": len(content),
                "content_type": kind,
                "filename": item.filename,
            },
        )
        return item, {"material": item.pk}

    def replay(stored):
        return Material.objects.get(pk=stored["material"])

    return idempotent(actor, idempotency_key, scope, sha, work, replay)

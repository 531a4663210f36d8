from django.utils.translation import get_language
from ninja import Router, Schema

from metrohub.accounts.roles import assignments, role_codes
from metrohub.core.api import ERRORS

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    organisation_id: int | None
    organisation: str | None
    jurisdiction_code: str
    jurisdiction: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    language: str
    roles: list[RoleOut]
    role_codes: list[str]


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller's account and roles")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "email": user.email,
        "language": get_language(),
        "roles": [
            {
                "role": a.role,
                "role_label": str(a.get_role_display()),
                "organisation_id": a.organisation_id,
                "organisation": str(a.organisation) if a.organisation else None,
                "jurisdiction_code": a.jurisdiction.code,
                "jurisdiction": str(a.jurisdiction),
            }
            for a in assignments(user)
        ],
        "role_codes": sorted(role_codes(user)),
    }

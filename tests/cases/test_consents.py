"""A co-builder sees a case only once it has consented to be named (URL × role), and the joint
application is submitted only with every co-builder's consent."""

import json

import pytest
from django.core.exceptions import ValidationError

from metrohub.cases import services
from metrohub.cases.models import CoBuilderConsent

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(world, form):
    """A Chongqing application naming the director's institute (重庆市计量质量检测研究院)."""
    institute = world["organisations"]["cq-cqmi"]
    with services.quiet():
        case = services.create_case(
            actor=world["users"]["cq_applicant"],
            rulepack="chongqing",
            center_name="联合申报",
            industry_domain="high_end_equipment",
            co_builders=[institute.pk],
            form={
                **form,
                "builder_duties": [
                    {"organisation": institute.name, "staff": "3人", "funds": "100万元"}
                ],
            },
        )
    return case


PARTIES = {
    "anonymous": 302,
    "admin": 200,
    "regulator": 200,
    "authority": 200,
    "applicant": 200,
    "expert": 404,
    "industry": 403,
}


API = {"anonymous": 401, "admin": 200, "regulator": 200, "authority": 200, "applicant": 200}


def test_a_co_builder_sees_the_case_only_after_consenting(check_grid, client_for, joint, world):
    consent = CoBuilderConsent.objects.get(case=joint)
    assert consent.state == "invited"
    before = [
        # center staff (engineers, checkers) take no part in the procedure: 403
        ("GET", f"/cases/{joint.pk}/", {**PARTIES, "director": 404, "staff": 403}, 404),
        ("GET", f"/api/v1/cases/{joint.pk}", {**API, "director": 404}, 404),
        ("GET", "/cases/invitations/", {"anonymous": 302, "industry": 403, "staff": 403}, 200),
        ("GET", "/api/v1/co-builder-invitations", {"anonymous": 401}, 200),
    ]
    check_grid(before)
    # only the named organisation's staff answer
    for role in ("applicant", "regulator"):
        assert client_for(role).post(f"/cases/invitations/{consent.pk}/consent/").status_code == 404
    invitations = client_for("director").get("/api/v1/co-builder-invitations").json()
    assert [(i["id"], i["state"], i["center_name"]) for i in invitations] == [
        (consent.pk, "invited", "联合申报")
    ]
    # the applicant cannot submit while the co-builder has not answered
    applicant = world["users"]["cq_applicant"]

    services.upload_material(
        actor=applicant,
        case=joint,
        code="application_form",
        content=b"%PDF-1.7\n%%EOF\n",
        filename="a.pdf",
    )
    with pytest.raises(ValidationError) as waiting:
        services.take_transition(case=joint, name="submit_for_endorsement", actor=applicant)
    assert f"co_builders.{world['organisations']['cq-cqmi'].pk}" in str(waiting.value)
    answered = client_for("director").post(f"/api/v1/co-builder-invitations/{consent.pk}/consent")
    assert (answered.status_code, answered.json()["state"]) == (200, "consented")
    check_grid(
        [
            ("GET", f"/cases/{joint.pk}/", {**PARTIES, "director": 200, "staff": 403}, 404),
            (
                "GET",
                f"/api/v1/cases/{joint.pk}",
                {**API, "director": 200},
                404,
            ),
        ]
    )
    again = client_for("director").post(
        f"/api/v1/co-builder-invitations/{consent.pk}/decline",
        json.dumps({}),
        content_type="application/json",
    )
    assert again.status_code == 409
    case = services.take_transition(case=joint, name="submit_for_endorsement", actor=applicant)
    assert case.state == "endorsement"

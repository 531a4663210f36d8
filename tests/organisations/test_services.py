import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.eventlog.models import Event
from metrohub.organisations.models import Organisation
from metrohub.organisations.services import register_organisation

GOOD = {
    "name": "重庆示例传感器有限公司",
    "credit_code": "91350100M000100Y43",
    "kind": "enterprise",
    "jurisdiction_code": "500112",
}


def test_regulator_registers_inside_their_jurisdiction(user_for):
    org = register_organisation(actor=user_for("regulator"), **GOOD)
    assert org.jurisdiction.code == "500112"
    event = Event.objects.get(subject=f"organisation:{org.pk}")
    assert (event.action, event.payload["credit_code"]) == (
        "organisation.registered",
        "91350100M000100Y43",
    )


def test_outside_jurisdiction_is_refused_and_nothing_written(user_for):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as info:
        register_organisation(
            actor=user_for("regulator"), **{**GOOD, "jurisdiction_code": "310115"}
        )
    assert "jurisdiction_code" in info.value.message_dict
    assert Organisation.objects.count() == before


def test_duplicate_credit_code_is_refused(user_for):
    register_organisation(actor=user_for("regulator"), **GOOD)
    with pytest.raises(ValidationError) as info:
        register_organisation(actor=user_for("regulator"), **{**GOOD, "name": "另一家"})
    assert info.value.message_dict["credit_code"] == ["该统一社会信用代码的单位已登记。"]
    assert Organisation.objects.filter(credit_code=GOOD["credit_code"]).count() == 1


def test_invalid_credit_code_names_the_field(user_for):
    with pytest.raises(ValidationError) as info:
        register_organisation(
            actor=user_for("regulator"), **{**GOOD, "credit_code": "91350100M000100Y44"}
        )
    assert list(info.value.message_dict) == ["credit_code"]
    assert not Organisation.objects.filter(name=GOOD["name"]).exists()


@pytest.mark.parametrize("role", ["applicant", "expert", "district", "industry"])
def test_other_roles_may_not_register(user_for, role):
    with pytest.raises(PermissionDenied):
        register_organisation(actor=user_for(role), **GOOD)


def test_an_overlong_name_is_refused_naming_the_field_and_nothing_written(user_for):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        register_organisation(actor=user_for("regulator"), **{**GOOD, "name": "名" * 100_000})
    assert list(refused.value.message_dict) == ["name"]
    assert "200" in refused.value.message_dict["name"][0]
    assert not Organisation.objects.filter(credit_code=GOOD["credit_code"]).exists()

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.eventlog.models import Event
from metrohub.experts.models import ExpertProfile
from metrohub.experts.services import candidates, declare_conflict, set_active, update_profile


@pytest.fixture
def profile(world):
    return ExpertProfile.objects.get(user=world["users"]["expert1"])


def test_expert_updates_own_profile(profile, user_for):
    update_profile(
        actor=user_for("expert"),
        profile=profile,
        title="研究员",
        domains=["aerospace"],
        areas=["acoustic"],
        available=False,
    )
    profile.refresh_from_db()
    assert (profile.title, profile.domains, profile.areas, profile.available) == (
        "研究员",
        ["aerospace"],
        ["acoustic"],
        False,
    )
    assert (
        Event.objects.filter(
            subject=f"expert:{profile.pk}", action="expert.profile_updated"
        ).count()
        == 1
    )


def test_unknown_specialties_are_refused_and_nothing_changes(profile, user_for):
    before = (profile.domains, profile.areas)
    with pytest.raises(ValidationError) as info:
        update_profile(
            actor=user_for("expert"),
            profile=profile,
            title="",
            domains=["mining"],
            areas=["smell"],
            available=True,
        )
    assert set(info.value.message_dict) == {"domains", "areas"}
    profile.refresh_from_db()
    assert (profile.domains, profile.areas) == before


def test_someone_else_may_not_edit_the_profile(profile, user_for):
    with pytest.raises(PermissionDenied):
        update_profile(
            actor=user_for("regulator"),
            profile=profile,
            title="x",
            domains=[],
            areas=[],
            available=True,
        )


def test_declared_conflict_and_curation_feed_the_candidates(profile, user_for, world):
    declare_conflict(
        actor=user_for("expert"),
        profile=profile,
        organisation=world["organisations"]["cq-auto"],
        reason="亲属任职",
    )
    by_id = {c.id: c for c in candidates()}
    assert by_id[profile.pk].declared_conflicts == frozenset({world["organisations"]["cq-auto"].pk})
    assert by_id[profile.pk].region == "420000"
    set_active(actor=user_for("regulator"), profile=profile, active=False)
    assert profile.pk not in {c.id for c in candidates()}
    with pytest.raises(PermissionDenied):
        set_active(actor=user_for("expert"), profile=profile, active=True)

import json


def test_registry_for_regulators_only(client, api_token_for):
    regulator = client.get(
        "/api/v1/experts", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    assert regulator.status_code == 200 and len(regulator.json()) == 8
    expert = client.get(
        "/api/v1/experts", headers={"Authorization": f"Bearer {api_token_for('expert')}"}
    )
    assert expert.status_code == 403


def test_expert_reads_and_updates_own_profile(client, api_token_for):
    headers = {"Authorization": f"Bearer {api_token_for('expert')}"}
    assert client.get("/api/v1/experts/me", headers=headers).json()["username"] == "expert1"
    response = client.put(
        "/api/v1/experts/me",
        data=json.dumps({"title": "教授", "domains": ["aerospace"], "areas": []}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["domains"] == ["aerospace"]
    bad = client.put(
        "/api/v1/experts/me",
        data=json.dumps({"domains": ["mining"]}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "domains"


def test_non_expert_has_no_profile(client, api_token_for):
    response = client.get(
        "/api/v1/experts/me", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    assert response.status_code == 404


def test_experts_keep_their_employment_history_and_conflicts_and_the_draw_reads_them(
    client, api_token_for, world, client_for
):
    import datetime as dt

    from metrohub.experts import draw
    from metrohub.experts.models import ExpertProfile
    from metrohub.experts.services import candidates

    headers = {"Authorization": f"Bearer {api_token_for('expert')}"}
    applicant = world["organisations"]["cq-auto"]
    other = world["organisations"]["cq-univ"]

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)

    job = post(
        "/api/v1/experts/me/employments",
        {"organisation_id": applicant.pk, "started": "2019-01-01", "ended": "2024-06-30"},
    )
    assert job.status_code == 201 and job.json()["organisation"] == applicant.name
    backwards = post(
        "/api/v1/experts/me/employments",
        {"organisation_id": other.pk, "started": "2024-01-01", "ended": "2020-01-01"},
    )
    assert (backwards.status_code, backwards.json()["errors"][0]["field"]) == (422, "ended")
    conflict = post(
        "/api/v1/experts/me/conflicts", {"organisation_id": other.pk, "reason": "亲属任职"}
    )
    assert conflict.status_code == 201
    listed = client.get("/api/v1/experts/me/employments", headers=headers).json()
    assert [(e["organisation_id"], e["ended"]) for e in listed] == [(applicant.pk, "2024-06-30")]
    # the draw excludes the expert from both organisations' cases, saying why
    me = ExpertProfile.objects.get(user__username="expert1")
    pool = [c for c in candidates() if c.id == me.pk]
    criteria = draw.Criteria(size=1, region="420000")
    for org, reason in ((applicant, "recent_employer"), (other, "declared_conflict")):
        with __import__("pytest").raises(draw.DrawInfeasible):
            draw.draw(pool, criteria, conflicts=frozenset({org.pk}), on=dt.date(2025, 9, 1), seed=1)
        result = draw.draw(
            [*pool, *[c for c in candidates() if c.id != me.pk]],
            criteria,
            conflicts=frozenset({org.pk}),
            on=dt.date(2025, 9, 1),
            seed=1,
        )
        assert (me.pk, reason) in {(e.candidate_id, e.reason) for e in result.excluded}
    # only one's own history: another expert cannot remove it
    other_headers = {"Authorization": f"Bearer {api_token_for('expert2')}"}
    gone = client.delete(
        f"/api/v1/experts/me/employments/{job.json()['id']}", headers=other_headers
    )
    assert gone.status_code == 404
    assert (
        client.delete(
            f"/api/v1/experts/me/employments/{job.json()['id']}", headers=headers
        ).status_code
        == 204
    )
    assert (
        client.delete(
            f"/api/v1/experts/me/conflicts/{conflict.json()['id']}", headers=headers
        ).status_code
        == 204
    )
    assert client.get("/api/v1/experts/me/conflicts", headers=headers).json() == []
    # the same on the page
    page = client_for("expert")
    response = page.post(
        "/experts/me/",
        {"action": "employment", "job-organisation": applicant.pk, "job-ended": "2025-01-31"},
    )
    assert response.status_code == 302
    assert applicant.name in page.get("/experts/me/").content.decode()

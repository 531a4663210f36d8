"""Texts a seed does not give: shown as waiting, never asked of applicants nor citable, entered by
the pack's programme regulator into a new pack version that cases join only when moved."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import PENDING_ZH, pending_items, registry, reload, shown_text

pytestmark = pytest.mark.django_db

GROUNDS = [f"revocation_ground_{i}" for i in range(1, 7)]


@pytest.fixture(autouse=True)
def fresh_registry():
    reload()
    yield
    reload()  # the test's versions are rolled back with its transaction


def _post(client, url, body, token):
    return client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_what_waits_is_shown_as_waiting_and_listed_for_the_regulator(client_for):
    pack = registry().latest("chongqing")
    pending = pending_items(pack)
    by_section = {
        s: [i for i in pending if i["section"] == s] for s in {i["section"] for i in pending}
    }
    assert {s: len(items) for s, items in by_section.items()} == {
        "conditions": 11,  # art. 8's eight conditions, art. 15's three preconditions
        "materials": 10,  # art. 20's ten kinds of materials
        "revocation_grounds": 6,  # art. 31's six grounds
    }
    ground = pack.revocation_grounds[0]
    assert shown_text(ground) == PENDING_ZH == "（条文待补录）"
    page = client_for("regulator").get("/rulepacks/chongqing/texts/").content.decode()
    assert "27 items wait" in page or "27 项条文待补录" in page
    assert client_for("hb_regulator").get("/rulepacks/chongqing/texts/").status_code == 403
    assert "（条文待补录）" in client_for(None).get("/rulepacks/chongqing/").content.decode()


def test_entering_the_grounds_makes_a_version_that_a_case_joins_when_moved(
    world, client, api_token_for
):
    regulator = world["users"]["cq_regulator"]
    pack = registry().latest("chongqing")
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(new_case(world, "chongqing", name="撤销"), path_to(pack, "established"), clk)
        # an unnamed ground cannot be cited
        with pytest.raises(ValidationError) as unnamed:
            services.take_transition(
                case=case,
                name="revoke",
                actor=regulator,
                payload={
                    "grounds": [GROUNDS[0]],
                    "reasons": "x",
                    "document_number": "渝市监发〔2025〕901号",
                    "document_date": clk.day.isoformat(),
                },
            )
        assert "grounds" in unnamed.value.message_dict
    token = api_token_for("regulator")
    body = {
        "items": [
            {
                "section": "revocation_grounds",
                "code": code,
                "text_zh": f"第{i}种情形（录入示例）",
                "text_en": f"ground {i} (entered)",
                "source_document": "渝市监发〔2022〕88号",
                "source_article": "第三十一条",
            }
            for i, code in enumerate(GROUNDS, start=1)
        ],
        "effective_date": "2026-01-01",
        "reason": "补录第三十一条",
    }
    missing = {**body, "items": [{**body["items"][0], "source_document": ""}]}
    bad = _post(client, "/api/v1/rulepacks/chongqing/texts", missing, token)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "items.0.source_document")
    other = _post(client, "/api/v1/rulepacks/chongqing/texts", body, api_token_for("sh_regulator"))
    assert other.status_code == 403
    made = _post(client, "/api/v1/rulepacks/chongqing/texts", body, token)
    assert made.status_code == 201, made.content
    assert (made.json()["key"], made.json()["effective_date"]) == ("chongqing@2024.1", "2026-01-01")
    new = registry().get("chongqing", "2024.1")
    assert [g.text_zh for g in new.revocation_grounds][:2] == [
        "第1种情形（录入示例）",
        "第2种情形（录入示例）",
    ]
    assert registry().in_force("chongqing", dt.date(2026, 1, 1)).key == "chongqing@2024.1"
    assert len(pending_items(new)) == 21
    # the case keeps its version until the regulator moves it, with a reason, logged
    case.refresh_from_db()
    assert case.rulepack_version == "2024"
    with pytest.raises(ValidationError):
        services.move_to_version(actor=regulator, case=case, version="2024.1", reason="")
    case = services.move_to_version(
        actor=regulator, case=case, version="2024.1", reason="第三十一条已补录"
    )
    assert case.rulepack_key == "chongqing@2024.1"
    case = services.take_transition(
        case=case,
        name="revoke",
        actor=regulator,
        payload={
            "grounds": [GROUNDS[0]],
            "reasons": "存在第1种情形",
            "document_number": "渝市监发〔2026〕901号",
            "document_date": case.filed_on.isoformat(),
        },
    )
    assert case.state == "revoked"

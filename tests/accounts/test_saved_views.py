"""Saved views of a list: each person's own, opened, kept and deleted only by them."""

import pytest

from metrohub.accounts.models import SavedView

pytestmark = pytest.mark.django_db


def _save(client, name, query="q=%E6%A3%80%E7%B4%A2&stage=draft&sort=center"):
    return client.post("/accounts/views/new/cases/", {"name": name, "query": query})


def test_a_saved_view_is_listed_and_opened_for_its_owner_only(world, client_for, user_for):
    owner, other = client_for("regulator"), client_for("district")
    response = _save(owner, "我的草稿")
    assert response.status_code == 302
    assert response["Location"] == "/cases/?q=%E6%A3%80%E7%B4%A2&stage=draft&sort=center"
    view = SavedView.objects.get()
    assert (view.user, view.list_name, view.name) == (user_for("regulator"), "cases", "我的草稿")
    assert "我的草稿" in owner.get("/cases/").content.decode()
    assert "我的草稿" not in other.get("/cases/").content.decode()
    opened = owner.get(f"/accounts/views/{view.pk}/")
    assert opened["Location"] == "/cases/?q=%E6%A3%80%E7%B4%A2&stage=draft&sort=center"
    assert other.get(f"/accounts/views/{view.pk}/").status_code == 404


def test_only_the_owner_deletes_a_view(world, client_for):
    _save(client_for("regulator"), "保留")
    view = SavedView.objects.get()
    assert client_for("district").post(f"/accounts/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    response = client_for("regulator").post(f"/accounts/views/{view.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert not SavedView.objects.exists()


def test_the_same_name_replaces_and_bad_input_changes_nothing(world, client_for):
    client = client_for("regulator")
    _save(client, "同名", "stage=draft")
    _save(client, "同名", "stage=public_notice")
    assert list(SavedView.objects.values_list("name", "query")) == [("同名", "stage=public_notice")]
    response = _save(client, "长" * 61)
    assert SavedView.objects.count() == 1
    assert "名称：1 至 60 个字符。" in client.get(response["Location"]).content.decode()
    assert _save(client, "任意", "x" * 501).status_code == 302
    assert SavedView.objects.count() == 1
    assert client.post("/accounts/views/new/nolist/", {"name": "a"}).status_code == 404


def test_saved_views_grid(check_grid, world, user_for):
    view = SavedView.objects.create(
        user=user_for("regulator"), list_name="cases", name="网格", query="stage=draft"
    )
    check_grid(
        [
            ("GET", f"/accounts/views/{view.pk}/", {"anonymous": 302, "regulator": 302}, 404),
            ("GET", "/accounts/views/new/cases/", {"anonymous": 302}, 405),
            # the owner deletes it; everyone else (before or after) finds nothing there
            (
                "POST",
                f"/accounts/views/{view.pk}/delete/",
                {"anonymous": 302, "regulator": 302},
                404,
            ),
        ]
    )

import re

from django.core import mail

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.accounts.models import ApiToken


def _logs_in(client, username, password) -> bool:
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return (
        response.status_code == 302 and client.get("/api/v1/me").json().get("username") == username
    )


def test_login_and_logout(client, world):
    response = client.post(
        "/accounts/login/", {"username": "cq_regulator", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/api/v1/me").json()["username"] == "cq_regulator"
    client.post("/accounts/logout/")
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_is_explained_in_chinese(client, world):
    response = client.post("/accounts/login/", {"username": "cq_regulator", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_is_throttled_after_five_failures(client, world):
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "cq_regulator", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "cq_regulator", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 429
    assert "15 分钟" in response.content.decode()
    assert client.get("/api/v1/me").status_code == 401


def test_password_reset_by_email(client, world):
    mail.outbox.clear()  # the demo world writes its own notices
    response = client.post("/accounts/reset/", {"email": "cq_district@demo.metrohub.localhost"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(
        form_url, {"new_password1": "Ziji-xin-mima-2026", "new_password2": "Ziji-xin-mima-2026"}
    )
    assert done.status_code == 302
    assert _logs_in(client, "cq_district", "Ziji-xin-mima-2026")


def test_password_change(client_for):
    client = client_for("expert")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Zhuanjia-2026-mima",
            "new_password2": "Zhuanjia-2026-mima",
        },
    )
    assert response.status_code == 302
    assert _logs_in(client, "expert1", "Zhuanjia-2026-mima")


def test_token_page_shows_the_token_once(client_for, user_for):
    client = client_for("director")
    response = client.post("/accounts/tokens/", {"name": "实验室系统", "days": 30})
    raw = re.search(r'data-testid="new-token">(mh_[^<]+)<', response.content.decode()).group(1)
    assert ApiToken.lookup(raw).user == user_for("director")
    assert raw not in client.get("/accounts/tokens/").content.decode()


def test_token_page_rejects_bad_input(client_for, user_for):
    response = client_for("director").post("/accounts/tokens/", {"name": "", "days": 999})
    html = response.content.decode()
    assert "这个字段是必填项" in html and "999" not in html.split("</form>")[1]
    assert not ApiToken.objects.filter(user=user_for("director")).exists()


def test_people_lists_only_people_of_the_jurisdiction(client_for):
    html = client_for("regulator").get("/accounts/people/").content.decode()
    assert "cq_applicant" in html and "sh_regulator" not in html and "hb_regulator" not in html


def test_demo_people_are_named_by_their_names_and_the_header_gives_the_role(client, world):
    """A name is a person's name (陈静), not "中心主任 陈静": the role is shown beside it, from
    the person's role assignment, so a signature, a panel or a score sheet prints the name alone."""
    from metrohub.accounts.models import User

    names = dict(User.objects.values_list("username", "display_name"))
    unnamed = {u: n for u, n in names.items() if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n)}
    assert unnamed == {}
    assert names["cq_director"] == "陈静" and names["cq_engineer"] == "王磊"
    client.force_login(User.objects.get(username="cq_director"))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    account = re.search(r'data-testid="account">(.*?)</a>', html).group(1)
    assert re.sub(r"<[^>]+>", "", account) == "陈静 · 中心主任"

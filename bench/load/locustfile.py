"""The load test's users (locust), driven by bench/load/run.py against scripts/cluster.

A mix of what the platform's visitors do: anonymous people reading public pages and searching the
catalogue, and signed-in officials and center staff opening their worklists. Each simulated user
comes from its own address (X-Forwarded-For, believed from the cluster's nginx), so the
per-client rate limits stay on and count them as the separate people they are. A `/healthz`
request now and then is the baseline: the same servers, the same moment, nearly no work.
"""

import itertools
import os
import random

from locust import HttpUser, between, task

DEMO_PASSWORD = "metrohub-demo"  # noqa: S105  (the demo world's published password)
OFFICIALS = ["cq_regulator", "hb_regulator", "sh_regulator", "cq_district", "cq_authority"]
STAFF = ["cq_applicant", "cq_director", "hb_applicant", "sh_applicant", "sh_director"]
QUERIES = ["压力", "温度", "JJG 52", "数字压力计", "铂电阻温度计", "流量", "长度", "电学", "扭矩"]
_addresses = itertools.count(1)
# Each user's pause between two requests, in seconds (bench/load/run.py --wait): people's pace by
# default; shorter to drive the servers to saturation.
WAIT = between(*map(float, os.environ.get("METROHUB_LOAD_WAIT", "1 3").split()))


class Visitor(HttpUser):
    """Anonymous: the registry, notices, catalogue searches, the deadline calculator."""

    weight = 3
    wait_time = WAIT

    def on_start(self):
        number = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.77.{number // 250}.{number % 250 + 1}"

    @task(3)
    def public_page(self):
        path = random.choice(["/", "/centers/", "/cases/notices/", "/rulepacks/", "/uncertainty/"])  # noqa: S311
        self.client.get(path, name="public page")

    @task(4)
    def search_page(self):
        self.client.get("/catalogue/", params={"q": random.choice(QUERIES)}, name="search page")  # noqa: S311

    @task(2)
    def search_api(self):
        self.client.get(
            "/api/v1/capabilities",
            params={"q": random.choice(QUERIES)},
            name="search API",  # noqa: S311
        )

    @task(1)
    def deadline(self):
        self.client.get(
            "/api/v1/deadline",
            params={"from": "2025-09-30", "working_days": 20},
            name="deadline API",
        )

    @task(1)
    def healthz(self):
        self.client.get("/healthz", name="/healthz (baseline)")


class Official(HttpUser):
    """Signed in: worklists of cases, panels, organisations, the event log."""

    weight = 2
    wait_time = WAIT

    def on_start(self):
        number = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.88.{number // 250}.{number % 250 + 1}"
        username = random.choice(OFFICIALS + STAFF)  # noqa: S311
        self.client.get("/accounts/login/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )

    @task(4)
    def case_worklist(self):
        self.client.get("/cases/", name="worklist: cases")

    @task(2)
    def panels(self):
        self.client.get("/panels/", name="worklist: panels")

    @task(1)
    def organisations(self):
        self.client.get("/organisations/", name="worklist: organisations")

    @task(1)
    def healthz(self):
        self.client.get("/healthz", name="/healthz (baseline)")

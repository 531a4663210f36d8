"""The platform at national scale on PostgreSQL: every worklist, registry page, dashboard and search
page measured server-side (p50, p95 and queries of each), signed in as the role that reads it.

The world: the demo world, then 31 provinces, 300 centers, 1,000,000 capability lines,
10,000 cases spread over every stage of every rule pack, 100,000 obligations (each with its stored
deadline), 100,000 events and 10,000,000 certificates, all multiplied by `--scale`:

    scripts/with-postgres .venv/bin/python bench/national.py --scale 0.01   # a couple of minutes
    scripts/with-postgres .venv/bin/python bench/national.py                # the full size

Lines and certificates come from the generators of `catalogue_generate.py` and
`certificate_verify.py`; cases, obligations and events are written here with the same COPY loader
(`bulk.py`). Against an existing database (DATABASE_URL of a kept cluster) only what is missing is
generated, so the pages can be measured again after a change with `--measure-only`.
Each page is requested `--rounds` times after two warm-up requests, through Django's test client
(the whole middleware stack, no network); the baseline is `/healthz` in the same run.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metrohub.settings")
os.environ.setdefault("METROHUB_DATA_DIR", tempfile.mkdtemp(prefix="metrohub-bench-"))
os.environ.setdefault("METROHUB_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

import bulk  # noqa: E402  (bench/bulk.py, beside this script)
import catalogue_generate  # noqa: E402
import certificate_verify  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FULL = {
    "lines": 1_000_000,
    "cases": 10_000,
    "obligations": 100_000,
    "events": 100_000,
    "certificates": 10_000_000,
}
# The region each rule pack governs (the demo world's programme jurisdictions).
PACK_REGION = {"chongqing": "500000", "hubei": "420000", "shanghai": "310000"}
DEMO_DISTRICT = "500112"  # the demo district regulator's district, inside Chongqing

# (label, demo user or None for anonymous, path). Worklists, registries, dashboards, searches.
PAGES = [
    ("home (regulator's dashboard)", "cq_regulator", "/"),
    ("cases: regulator's worklist", "cq_regulator", "/cases/"),
    ("cases: district regulator's worklist", "cq_district", "/cases/"),
    ("cases: applicant's worklist", "cq_applicant", "/cases/"),
    ("cases: platform admin's worklist", "admin", "/cases/"),
    ("cases: public notices", None, "/cases/notices/"),
    ("cases: invitations", "cq_applicant", "/cases/invitations/"),
    ("cases API: regulator's list", "cq_regulator", "/api/v1/cases"),
    ("centers registry (public)", None, "/centers/"),
    ("centers registry (regulator)", "cq_regulator", "/centers/"),
    ("catalogue: landing, no query", None, "/catalogue/"),
    ("catalogue: search 压力", None, "/catalogue/?q=%E5%8E%8B%E5%8A%9B"),
    ("catalogue: search 温度 上海", None, "/catalogue/?q=%E6%B8%A9%E5%BA%A6+%E4%B8%8A%E6%B5%B7"),
    ("catalogue: find a capability", None, "/catalogue/find/"),
    ("catalogue: changes", "cq_director", "/catalogue/changes/"),
    ("catalogue API: search 压力", None, "/api/v1/capabilities?q=%E5%8E%8B%E5%8A%9B"),
    ("search API: 压力", None, "/api/v1/search?q=%E5%8E%8B%E5%8A%9B"),
    ("certificates: center's work", "cq_director", "/certificates/"),
    ("certificates: customer's certificates", "cq_applicant", "/certificates/mine/"),
    ("search box: 压力", None, "/search/?q=%E5%8E%8B%E5%8A%9B"),
    ("search box: signed in, 中心", "cq_regulator", "/search/?q=%E4%B8%AD%E5%BF%83"),
    ("guides", None, "/guides/"),
    ("alliances", None, "/alliances/"),
    ("sharing: resources", None, "/sharing/"),
    ("sharing: bookings", "cq_director", "/sharing/bookings/"),
    ("event log (platform admin)", "admin", "/events/"),
    ("event log (regulator)", "cq_regulator", "/events/"),
    ("organisations registry", "cq_regulator", "/organisations/"),
    ("experts registry", "cq_regulator", "/experts/"),
    ("panels: expert's", "expert1", "/panels/"),
    ("enquiries", "cq_director", "/enquiries/"),
    ("standards", "cq_director", "/standards/"),
    ("standards: authorizations", "cq_director", "/standards/authorizations/"),
    ("rule packs", "cq_regulator", "/rulepacks/"),
    ("healthz (baseline)", None, "/healthz"),
]


def _text(value) -> str:
    return r"\N" if value is None else str(value)


def _line(*values) -> str:
    return "\t".join(_text(v) for v in values) + "\n"


def generate_cases(count: int, obligations: int, events: int) -> float:
    """`count` cases over every stage of every pack, with `obligations` obligations (each with its
    stored deadline) and `events` events spread over them; seconds taken."""
    from metrohub.accounts.models import RoleAssignment
    from metrohub.centers.models import Center
    from metrohub.organisations.models import Jurisdiction, Organisation
    from metrohub.rulepacks.services import registry

    started = time.perf_counter()
    regions = {j.code: j.pk for j in Jurisdiction.objects.filter(code__in=[*PACK_REGION.values(), DEMO_DISTRICT])}  # fmt: skip
    packs = [registry().latest(code) for code in PACK_REGION if code in registry().codes()]
    # every stage of every kind of procedure of every pack
    kinded = [(pack.for_kind(kind), kind) for pack in packs for kind in pack.kinds()]
    slots = [(p, kind, stage) for p, kind in kinded if p.deadlines for stage in p.stages]
    hosts = list(Organisation.objects.filter(centers__code__startswith="BENCH-").values_list("pk", flat=True).distinct())  # fmt: skip
    demo_applicant = RoleAssignment.objects.get(user__username="cq_applicant").organisation_id
    centers = list(Center.objects.filter(code__startswith="BENCH-").values_list("pk", flat=True))
    now = dt.datetime.now(dt.UTC).isoformat()
    today = dt.date.today()
    rng = random.Random(16)
    first_case = bulk.next_id("cases_case")
    first_deadline = bulk.next_id("legaltime_storeddeadline")
    first_obligation = bulk.next_id("cases_obligation")
    cases = []

    def case_lines():
        for i in range(count):
            pack, kind, stage = slots[i % len(slots)]
            region = regions[PACK_REGION[pack.code]]
            district = (
                regions.get(DEMO_DISTRICT) if pack.code == "chongqing" and i % 7 == 0 else None
            )
            applicant = (
                demo_applicant
                if (pack.code == "chongqing" and i % 50 == 0)
                else hosts[i % len(hosts)]
            )
            # a case of another kind than establishment concerns a registered center
            center = (
                centers[i % len(centers)]
                if kind != "establishment" or stage.code == "established"
                else None
            )
            filed = today - dt.timedelta(days=rng.randrange(1, 2000))
            cases.append((first_case + i, pack, stage))
            yield _line(
                first_case + i, kind, pack.code, pack.version, stage.code,
                filed.isoformat(), f"国家规模测试产业计量测试中心{i}", "", "汽车", "{}", "{}", "",
                "{}", "f", None, now, now, applicant, center, None, district, region, "", "",
            )  # fmt: skip

    bulk.copy(
        "cases_case",
        ["id", "kind", "rulepack_code", "rulepack_version", "state", "filed_on", "center_name",
         "center_name_en", "industry_domain", "form_data", "self_check", "conclusion",
         "supervisor", "accepting_objections", "notice_published_on", "created_at", "updated_at",
         "applicant_id", "center_id", "created_by_id", "district_id", "jurisdiction_id",
         "schedule", "period"],
        case_lines(),
    )  # fmt: skip
    print(f"  cases copied: {time.perf_counter() - started:.0f} s", flush=True)
    plan = [cases[i % len(cases)] for i in range(obligations)]

    starts = [today - dt.timedelta(days=rng.randrange(0, 400)) for _ in plan]

    def deadline_lines():
        for n, (_case_id, pack, _stage) in enumerate(plan):
            start = starts[n]
            due = start + dt.timedelta(days=30)
            deadline = pack.deadlines[n % len(pack.deadlines)]
            yield _line(
                first_deadline + n, start.isoformat(), 30, "days", "t", "f", "f",
                deadline.code, deadline.article, due.isoformat(), "f", "[]", "[]", now,
            )  # fmt: skip

    def obligation_lines():
        states = ["open", "open", "met", "overdue", "late", "waived"]
        for n, (case_id, pack, _stage) in enumerate(plan):
            deadline = pack.deadlines[n % len(pack.deadlines)]
            yield _line(
                first_obligation + n, deadline.code, deadline.kind, "f", deadline.article,
                deadline.responsible or "", deadline.anchor or "", states[n % len(states)], "",
                now, None, None, "[]", case_id, first_deadline + n,
                (starts[n] + dt.timedelta(days=30)).isoformat(),
            )  # fmt: skip

    first_event = bulk.next_id("eventlog_event")

    def event_lines():
        first = first_event
        for n in range(events):
            case_id = cases[n % len(cases)][0]
            seq = n // len(cases) + 1
            digest = f"{first + n:064x}"
            yield _line(
                first + n, f"case:{case_id}", seq, "国家规模测试", now, None, "case.transition",
                "", "{}", digest, "0" * 64, digest, None, 2,
            )  # fmt: skip

    tables = ("cases_obligation", "legaltime_storeddeadline", "eventlog_event")
    with bulk.suspended(tables):
        bulk.copy(
            "legaltime_storeddeadline",
            ["id", "start", "count", "unit", "extend_holiday", "next_working_day",
             "include_start", "rule", "article", "due", "provisional", "calendar_years", "steps",
             "computed_at"],
            deadline_lines(),
        )  # fmt: skip
        bulk.copy(
            "cases_obligation",
            ["id", "code", "kind", "indicative", "article", "responsible_role", "opened_by",
             "state", "waived_reason", "opened_at", "closed_at", "closed_on", "reminders_sent",
             "case_id", "deadline_id", "due_on"],
            obligation_lines(),
        )  # fmt: skip
        bulk.copy(
            "eventlog_event",
            ["id", "subject", "seq", "actor_label", "recorded_at", "effective_date", "action",
             "article", "payload", "payload_digest", "prev_hash", "hash", "actor_id",
             "hash_version"],
            event_lines(),
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))"
        )
    return time.perf_counter() - started


def build(scale: float) -> dict:
    """Everything missing from the world at this scale; returns the world's sizes."""
    from metrohub.cases.models import Case
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.certificates.models import Certificate
    from metrohub.core.demo import build_demo

    target = {name: max(1, int(size * scale)) for name, size in FULL.items()}
    call_command("migrate", verbosity=0)
    if not Certificate.objects.exists():
        started = time.perf_counter()
        build_demo()
        print(f"demo world: {time.perf_counter() - started:.0f} s", flush=True)
    have = CapabilityLine.objects.count()
    if have < target["lines"]:
        seconds = catalogue_generate.generate(target["lines"] - have, centers=300)
        print(f"{target['lines'] - have:,} capability lines: {seconds:.0f} s", flush=True)
        bulk.vacuum(["catalogue_capabilityline"])
    if Case.objects.filter(center_name__startswith="国家规模测试").count() < target["cases"]:
        seconds = generate_cases(target["cases"], target["obligations"], target["events"])
        print(f"{target['cases']:,} cases, obligations, events: {seconds:.0f} s", flush=True)
        bulk.vacuum(["cases_case", "cases_obligation", "legaltime_storeddeadline", "eventlog_event"])  # fmt: skip
    have = Certificate.objects.count()
    if have < target["certificates"]:
        seconds = certificate_verify.generate(target["certificates"] - have)
        print(f"{target['certificates'] - have:,} certificates: {seconds:.0f} s", flush=True)
    return sizes()


def sizes() -> dict:
    out = {}
    with connection.cursor() as cursor:
        for label, table in [
            ("provinces", "organisations_jurisdiction WHERE level = 'province'"),
            ("centers", "centers_center"),
            ("capability lines", "catalogue_capabilityline"),
            ("cases", "cases_case"),
            ("obligations", "cases_obligation"),
            ("events", "eventlog_event"),
            ("certificates", "certificates_certificate"),
        ]:
            # the planner's estimate for the big tables: an exact count of 10M rows takes seconds
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            out[label] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database"] = cursor.fetchone()[0]
    return out


def measure(pages, rounds: int) -> list[tuple]:
    from metrohub.accounts.models import User

    clients = {}
    rows = []
    for label, username, url in pages:
        if username not in clients:
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            clients[username] = client
        client = clients[username]
        for _ in range(2):  # warm: templates compiled, caches filled
            response = client.get(url)
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1e3)
        with CaptureQueriesContext(connection) as queries:  # counted apart: capturing costs time
            client.get(url)
        count = len(queries)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(len(times) * 0.95)) - 1)]
        rows.append((label, url, response.status_code, statistics.median(times), p95, count))
        print(
            f"{label:<42} {response.status_code} p50 {rows[-1][3]:8.1f} ms  p95 {p95:8.1f} ms  "
            f"{count:4d} queries",
            flush=True,
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size")
    parser.add_argument("--rounds", type=int, default=20, help="requests per page")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument(
        "--only",
        default="",
        help="measure only pages whose label contains one of these (comma-separated)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        # skipped, not failed: `make bench` goes on to the benches SQLite can run
        print("skipped (PostgreSQL only): scripts/with-postgres .venv/bin/python bench/national.py")
        return 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.METROHUB_RATE_LIMITS_ENABLED = False  # one client: rate limits are not measured
    started = time.perf_counter()
    if args.measure_only:
        call_command("migrate", verbosity=0)  # new indexes of the code under measurement
    world = sizes() if args.measure_only else build(args.scale)
    if not args.measure_only:
        print(f"world built in {time.perf_counter() - started:.0f} s", flush=True)
    print("world: " + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in world.items()))  # fmt: skip
    print(f"load average before measuring: {os.getloadavg()}")
    pages = [p for p in PAGES if any(part in p[0] for part in args.only.split(","))]
    rows = measure(pages, args.rounds)
    print(f"load average after measuring: {os.getloadavg()}")
    print("\n| page | path | p50 ms | p95 ms | queries |\n| --- | --- | --- | --- | --- |")
    for label, url, status, p50, p95, count in rows:
        flag = "" if status == 200 else f" (HTTP {status})"
        print(f"| {label}{flag} | `{url}` | {p50:.1f} | {p95:.1f} | {count} |")
    slow = [r[0] for r in rows if r[4] >= 200]
    print(f"\npages at p95 >= 200 ms: {len(slow)} of {len(rows)}" + (f": {', '.join(slow)}" if slow else ""))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The public verification page at national scale on PostgreSQL: p50/p99 and requests/s of
/verify/<token> (and of GET /api/v1/verify/<token>) against a bare Django view, same process,
same middleware stack, same run (target: p99 < 20 ms and at least 50 % of the bare view's rate).

    scripts/with-postgres .venv/bin/python bench/certificate_verify.py --certificates 10000000

The generator writes N issued certificates and their jobs with COPY (text built in chunks, the
tables' secondary indexes and constraints dropped during the load and rebuilt once after it,
foreign keys re-added NOT VALID), then VACUUM ANALYZE. Every generated certificate points to one of
the demo world's real, signed DCC XML files, and stores the checks issue would store (digest,
signature, chain verdict), so each verification reads its token's row among N with its stored checks
and count in one prepared statement, as the platform does.

Measured first with one client (the page, the API and the bare view taking turns), then with
`--clients` clients at once (default: one per core), each a process with its own connection: with
the cores busy, requests/s is what a request costs in CPU, the database's included when it shares
the machine.

An existing world is measured again when DATABASE_URL names a kept cluster and METROHUB_DATA_DIR
the data directory it was built with (its demo XML files and signing key).
"""

import argparse
import base64
import datetime as dt
import hashlib
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
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import metrohub.urls  # noqa: E402
from metrohub.centers.models import Center  # noqa: E402
from metrohub.certificates import keys, verification  # noqa: E402
from metrohub.certificates.models import (  # noqa: E402
    Certificate,
    Job,
    SigningKey,
    VerificationTally,
)
from metrohub.certificates.tallies import recount as recount_issue_tallies  # noqa: E402
from metrohub.core.demo import build_demo  # noqa: E402
from metrohub.core.env import parse_rate  # noqa: E402

# Generated certificates have no PDF of their own (only the XML is read by a verification).
PDF_PLACEHOLDER = "0" * 64
TABLES = ("certificates_job", "certificates_certificate")  # the tally fills as tokens are scanned


def bare(request):
    return HttpResponse("ok")


def generate(count: int, *, offset: int = 0, tallies: bool = True) -> float:
    """Write `count` issued certificates (and their jobs) after the demo world's; seconds taken.
    `offset`: how many an earlier call generated, so a world can grow without reusing a number;
    `tallies=False` leaves out the stored checks (a bench that never verifies)."""
    # the demo world's certificates only: a growing world must not copy what it generated
    pool = list(
        Certificate.objects.exclude(pdf_sha256=PDF_PLACEHOLDER).values(
            "center_id", "customer_id", "kind", "xml", "xml_sha256", "signature",
            "signing_key_id", "job__instrument_name", "job__method_code", "job__measurand",
            "job__created_by_id",
        )
    )  # fmt: skip
    codes = {c.pk: c.code for c in Center.objects.all()}
    start = time.perf_counter()
    first_job, first_cert = (
        bulk.next_id("certificates_job"),
        bulk.next_id("certificates_certificate"),
    )
    now = dt.datetime.now(dt.UTC).isoformat()
    job_columns = [
        "id", "center_id", "customer_id", "kind", "state", "instrument_name", "instrument_model",
        "serial_number", "manufacturer", "instrument_range", "accuracy", "measurand",
        "method_code", "method_title", "location", "place", "environment_other", "measured_on",
        "record_number", "decision_rule", "guard_band_factor", "conformity_requested", "remarks",
        "amendment_reason", "created_by_id", "created_at", "updated_at", "performer_id",
        "checker_id", "approver_id", "performed_at", "checked_at", "approved_at",
    ]  # fmt: skip
    kinds = {"verification_certificate": "verification", "verification_notice": "verification",
             "calibration_certificate": "calibration", "test_report": "testing",
             "measurement_report": "measurement"}  # fmt: skip

    def plan():
        sequence = {}
        for n in range(offset + count):
            p = pool[n % len(pool)]
            year = 2015 + (n // len(pool)) % 10
            key = (p["center_id"], year)
            sequence[key] = sequence.get(key, 0) + 1
            if n >= offset:
                yield n - offset, p, year, sequence[key]

    def jobs():
        for i, p, year, seq in plan():
            day = dt.date(year, 1 + seq % 12, 1 + seq % 28).isoformat()
            user = p["job__created_by_id"]
            yield (
                f"{first_job + i}\t{p['center_id']}\t{p['customer_id']}\t{kinds[p['kind']]}\tissued\t"
                f"{p['job__instrument_name']}\tM-{seq % 500}\tSN-{year}-{seq:07d}\t示例仪器制造有限公司\t\t\t"
                f"{p['job__measurand']}\t{p['job__method_code']}\t\tlaboratory\t\t\t{day}\t\tsimple\t1.00\tf\t\t\t"
                f"{user}\t{now}\t{now}\t{user}\t{user}\t{user}\t{now}\t{now}\t{now}\n"
            )

    cert_columns = [
        "id", "job_id", "center_id", "customer_id", "number", "year", "sequence", "kind",
        "status", "token", "issued_at", "pdf", "pdf_sha256", "xml", "xml_sha256", "signature",
        "signing_key_id", "revoke_reason",
    ]  # fmt: skip

    def certificates():
        for i, p, year, seq in plan():
            token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
            number = f"{codes[p['center_id']]}-{year}-{seq:07d}"
            yield (
                f"{first_cert + i}\t{first_job + i}\t{p['center_id']}\t{p['customer_id']}\t{number}\t"
                f"{year}\t{seq}\t{p['kind']}\tvalid\t{token}\t{year}-06-01T08:00:00+00:00\t"
                f"bench/placeholder.pdf\t{PDF_PLACEHOLDER}\t"
                f"{p['xml']}\t{p['xml_sha256']}\t{p['signature']}\t{p['signing_key_id']}\t\n"
            )

    # What issue stores for each certificate (verification.store_at_issue): its checks, judged
    # in the current generation. A generated job uses no standard, so its chain is not broken;
    # its XML is its pool entry's, whose digest and signature are checked here once.
    generation = verification.current_generation()
    checks = {}
    for p in pool:
        name = p["xml"]
        if name not in checks:
            xml = verification._path(name).read_bytes()
            intact = hashlib.sha256(xml).hexdigest() == p["xml_sha256"]
            key = SigningKey.objects.get(pk=p["signing_key_id"])
            checks[name] = (intact, intact and keys.verify(key, xml, p["signature"]),
                            verification._file_id(name))  # fmt: skip

    def tally_lines():
        for i, p, _year, _seq in plan():
            intact, valid, file_id = checks[p["xml"]]
            yield (f"{first_cert + i}\t0\t\\N\t{generation}\tf\t{'t' if intact else 'f'}\t"
                   f"{'t' if valid else 'f'}\t{file_id}\n")  # fmt: skip

    with bulk.suspended(TABLES):
        bulk.copy("certificates_job", job_columns, jobs())
        print(f"  jobs copied: {time.perf_counter() - start:.0f} s", flush=True)
        bulk.copy("certificates_certificate", cert_columns, certificates())
        print(f"  certificates copied: {time.perf_counter() - start:.0f} s", flush=True)
    print(f"  indexes rebuilt: {time.perf_counter() - start:.0f} s", flush=True)
    recount_issue_tallies()  # the dashboards' issued-per-year tallies, as issuing keeps them
    print(f"  issue tallies recounted: {time.perf_counter() - start:.0f} s", flush=True)
    if tallies:
        bulk.copy("certificates_verificationtally", TALLY_COLUMNS, tally_lines())
        print(f"  stored checks copied: {time.perf_counter() - start:.0f} s", flush=True)
    bulk.vacuum((*TABLES, "certificates_verificationtally") if tallies else TABLES)
    return time.perf_counter() - start


TALLY_COLUMNS = ["certificate_id", "count", "last_at", "generation", "chain_broken", "xml_intact",
                 "signature_valid", "xml_file"]  # fmt: skip


def confirm_stored(ids: list[int]) -> None:
    """The checks the generator stored are those a verification would judge now."""
    for pk in ids:
        record = verification.lookup_quietly(pk)
        judged = verification.judge(record)
        stored = VerificationTally.objects.get(certificate_id=pk)
        assert (stored.chain_broken, stored.xml_intact, stored.signature_valid) == (
            judged.chain_broken,
            judged.xml_intact,
            judged.signature_valid,
        ), (
            f"certificate {pk}: stored checks differ from a check made now (is METROHUB_DATA_DIR "
            "the directory this world was built with?)"
        )


def measure(client: Client, urls: list[str], seconds: float) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) over `seconds`, cycling through `urls`."""
    return _summary(*_timed(client, urls, seconds, 0))


def _timed(client: Client, urls: list[str], seconds: float, start: int) -> tuple[list, float]:
    """The request times over `seconds` from the `start`th URL on, and the seconds taken."""
    for url in urls[start : start + 50]:  # warm caches and connections
        client.get(url)
    times, started, i = [], time.perf_counter(), start
    while time.perf_counter() - started < seconds:
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
        i += 1
    return times, time.perf_counter() - started


def _summary(times: list, elapsed: float) -> tuple[float, float, float]:
    times = sorted(times)
    return len(times) / elapsed, statistics.median(times) * 1e3, times[int(len(times) * 0.99)] * 1e3


def measure_alternating(client: Client, kinds: dict, seconds: float, rounds: int) -> tuple:
    """Each kind of request (name -> URLs) for seconds / rounds in turn, `rounds` times over, so
    that the page and the bare view meet the same load on a shared machine: ({name: (requests/s,
    p50 ms, p99 ms)}, [{name: requests/s} per round])."""
    times = {name: [] for name in kinds}
    elapsed = dict.fromkeys(kinds, 0.0)
    per_round = []
    for r in range(rounds):
        this = {}
        for name, urls in kinds.items():
            # each round starts further along the tokens: every scan reads a certificate not
            # read before in this run (as a scanner's would be)
            t, e = _timed(client, urls, seconds / rounds, r * len(urls) // rounds)
            times[name] += t
            elapsed[name] += e
            this[name] = len(t) / e
        per_round.append(this)
    return {name: _summary(times[name], elapsed[name]) for name in kinds}, per_round


def _serve(client_args) -> None:
    """One client of measure_concurrent, in its own process: wait for the others, then request
    its URLs for the agreed seconds and hand back (times, seconds taken)."""
    urls, seconds, start, barrier, pipe = client_args
    client = Client()
    barrier.wait()
    pipe.send(_timed(client, urls, seconds, start))
    pipe.close()


def measure_concurrent(kinds: dict, clients: int, seconds: float, rounds: int) -> tuple:
    """As measure_alternating, with `clients` processes requesting at once (each its own database
    connection and backend), so that the cores are kept busy: requests/s is then what the work
    costs in CPU (the page's and its backend's), not how long one request waits for a round trip
    on idle cores. Same return shape; requests/s is the clients' sum."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    times = {name: [] for name in kinds}
    rates = {name: [] for name in kinds}
    per_round = []
    connections.close_all()  # each child opens its own; none inherits the parent's socket
    for r in range(rounds):
        this = {}
        for name, urls in kinds.items():
            barrier = context.Barrier(clients)
            pipes, workers = [], []
            for c in range(clients):
                receive, send = context.Pipe(duplex=False)
                # clients start apart along the tokens, each round further on: no token twice
                start = (r * clients + c) * len(urls) // (rounds * clients)
                args = (urls, seconds / rounds, start, barrier, send)
                workers.append(context.Process(target=_serve, args=(args,)))
                pipes.append(receive)
            for w in workers:
                w.start()
            results = [p.recv() for p in pipes]
            for w in workers:
                w.join()
            this[name] = sum(len(t) / e for t, e in results)
            for t, _e in results:
                times[name] += t
            rates[name].append(this[name])
        per_round.append(this)
    summary = {}
    for name in kinds:
        _rate, p50, p99 = _summary(times[name], 1.0)
        summary[name] = (statistics.fmean(rates[name]), p50, p99)
    return summary, per_round


def _sql_for_explain() -> str:
    from metrohub.certificates import statement

    return statement.sql()


def _kinds(tokens: list[str]) -> dict:
    return {
        "page": [f"/verify/{t}" for t in tokens],
        "api": [f"/api/v1/verify/{t}" for t in tokens],
        "bare": ["/bench-bare/"],
    }


def report(title: str, results: dict, per_round: list, args) -> None:
    page, api, floor = results["page"], results["api"], results["bare"]
    print(f"-- {title}")
    for label, (rps, p50, p99) in (("verification page /verify/<token>", page),
                                   ("verification API /api/v1/verify/<token>", api),
                                   ("bare Django view (same middleware)", floor)):  # fmt: skip
        print(f"{label:<42} {rps:8.1f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    print(
        f"page: p99 {page[2]:.2f} ms (target < 20), {page[0] / floor[0]:.0%} of the bare view's rate (target >= 50 %)"
    )
    print(f"API:  p99 {api[2]:.2f} ms, {api[0] / floor[0]:.0%} of the bare view's rate")
    shares = sorted(r["page"] / r["bare"] for r in per_round)
    print(
        f"page's share of the bare view's rate, round by round ({len(shares)} rounds of "
        f"{args.seconds / args.rounds:.1f} s each): {', '.join(f'{x:.0%}' for x in shares)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per kind of request")
    parser.add_argument(
        "--rounds", type=int, default=5, help="the page, the API and the bare view take turns"
    )
    parser.add_argument("--sample", type=int, default=60_000, help="distinct tokens requested")
    parser.add_argument(
        "--clients",
        type=lambda v: [int(n) for n in v.split(",") if n],
        default=[os.cpu_count() or 1],
        help="then again with this many clients at once (comma-separated counts; default: one "
        "per core, so the cores are busy and requests/s measures the work's cost)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the page's requests")
    parser.add_argument("--build-only", action="store_true", help="generate, measure nothing")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        # skipped, not failed: `make bench` goes on to the benches SQLite can run
        print(
            "skipped (PostgreSQL only): "
            "scripts/with-postgres .venv/bin/python bench/certificate_verify.py"
        )
        return 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.METROHUB_DEMO_CASES = False
    # one client asks for thousands a minute: the limit is counted (its cost is measured) but
    # set out of reach
    settings.METROHUB_RATES = {
        **settings.METROHUB_RATES,
        "verification": parse_rate("1000000000/m"),
    }
    settings.ALLOWED_HOSTS = ["testserver"]
    metrohub.urls.urlpatterns.append(path("bench-bare/", bare))
    clear_url_caches()
    call_command("migrate", verbosity=0)
    if not Job.objects.exists():
        build_demo()
    have = Certificate.objects.count()
    if have < args.certificates:
        print(f"generating {args.certificates - have:,} certificates with COPY …", flush=True)
        seconds = generate(args.certificates - have)
        print(
            f"generated in {seconds:.0f} s ({(args.certificates - have) / seconds:,.0f} certificates/s)"
        )
    if args.build_only:
        return 0
    total = Certificate.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM certificates_certificate WHERE pdf_sha256 = %s",
                       [PDF_PLACEHOLDER])  # fmt: skip
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT token FROM certificates_certificate WHERE id = ANY(%s)",
            [random.Random(1).sample(range(low, high + 1), min(args.sample, high - low + 1))],
        )
        tokens = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('certificates_certificate'))")
        size = cursor.fetchone()[0]
    random.Random(2).shuffle(tokens)
    confirm_stored(random.Random(3).sample(range(low, high + 1), min(20, high - low + 1)))
    client = Client()
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profiler:
            measure(client, [f"/verify/{t}" for t in tokens[-2000:]], args.seconds)
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(40)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + _sql_for_explain(), [tokens[0]])
            print("\n".join(row[0] for row in cursor.fetchall()))
    print(f"{total:,} certificates (table and indexes {size}); {len(tokens):,} distinct tokens")
    # each measurement reads its own share of the tokens: none finds another's rows cached
    parts = 1 + len(args.clients)
    share = [tokens[i::parts] for i in range(parts)]
    report("one client", *measure_alternating(client, _kinds(share[0]), args.seconds, args.rounds),
           args)  # fmt: skip
    for clients, mine in zip(args.clients, share[1:], strict=True):
        results = measure_concurrent(_kinds(mine), clients, args.seconds, args.rounds)
        report(f"{clients} clients at once", *results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

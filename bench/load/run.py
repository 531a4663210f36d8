"""Load test of the several-server layout: 50 concurrent users (locust, headless, bounded in time,
loopback only) mixing public pages, catalogue searches and signed-in worklists (bench/
locustfile.py) against scripts/cluster with the demo world, first with two app servers, then with
one. Prints, per kind of request, the count, failures, p50/p95/p99 and requests/s, beside the
/healthz baseline measured in the same run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load/run.py [--seconds 600] [--users 50] [--apps 2 1] [--wait 1 3]

Each user pauses 1 to 3 s between requests (people's pace); `--users 150 --wait 0.5 1.5` offers
more than the servers can answer, which shows what a second app server adds.

The load generator runs on the same machine as the servers and takes part of its cores.
"""

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def cluster(env: dict, *args: str) -> None:
    subprocess.run([str(ROOT / "scripts/cluster"), *args], env=env, check=True)


def run(apps: int, seconds: int, users: int, port: int, wait: list[float]) -> list[dict]:
    directory = Path(f"/tmp/metrohub-load-{apps}")
    env = {
        **os.environ,
        "METROHUB_CLUSTER_DIR": str(directory),
        "METROHUB_CLUSTER_APPS": str(apps),
        "METROHUB_CLUSTER_PORT": str(port),
        "METROHUB_LOAD_WAIT": " ".join(map(str, wait)),
    }
    env.pop("DATABASE_URL", None)
    env.pop("METROHUB_DATA_DIR", None)
    cluster(env, "start", "--demo")
    try:
        cluster(env, "check")
        stats = directory / "locust"
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/load/locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(stats),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,  # the users read their pause (METROHUB_LOAD_WAIT) from it
            check=False,  # locust exits 1 when any request failed: reported below
        )
        with open(f"{stats}_stats.csv", newline="") as handle:
            return list(csv.DictReader(handle))
    finally:
        cluster(env, "stop", "--purge")


def report(apps: int, rows: list[dict]) -> None:
    baseline = next(r for r in rows if r["Name"] == "/healthz (baseline)")
    print(f"\n== {apps} app server(s)")
    print(
        f"{'request':<26}{'count':>8}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}{'p95/base':>10}"
    )
    for row in rows:
        ratio = float(row["95%"]) / max(float(baseline["95%"]), 1.0)
        name = f"{row['Type']} {row['Name']}".strip()
        print(
            f"{name:<26}{row['Request Count']:>8}{row['Failure Count']:>6}"
            f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{float(row['Requests/s']):>8.1f}"
            f"{ratio:>9.1f}×"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--apps", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--wait", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    args = parser.parse_args()
    results = {
        apps: run(apps, args.seconds, args.users, args.port, args.wait) for apps in args.apps
    }
    for apps, rows in results.items():
        report(apps, rows)
    failures = sum(
        int(r["Failure Count"])
        for rows in results.values()
        for r in rows
        if r["Name"] == "Aggregated"
    )
    print(f"\nfailures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Requests per second of an authenticated page against a bare Django view, side by side.

Both are served in-process through the full middleware stack by Django's test client (no network),
on a throwaway SQLite database with the demo world, so the ratio isolates what an authenticated
page costs over Django's floor: session, roles, navigation, template, CSP.

    .venv/bin/python bench/http_pages.py [--seconds 5]
"""

import argparse
import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metrohub.settings")
os.environ["METROHUB_DATA_DIR"] = tempfile.mkdtemp(prefix="metrohub-bench-")
os.environ.setdefault("METROHUB_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import metrohub.urls  # noqa: E402
from metrohub.core.demo import build_demo  # noqa: E402


def bare(request):
    return HttpResponse("ok")


def rate(client: Client, url: str, seconds: float) -> tuple[float, int]:
    for _ in range(20):  # warm caches and connections
        assert client.get(url).status_code == 200
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        client.get(url)
        count += 1
    return count / (time.perf_counter() - started), count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    metrohub.urls.urlpatterns.append(path("bench-bare/", bare))
    clear_url_caches()
    call_command("migrate", verbosity=0)
    world = build_demo()
    client = Client()
    client.force_login(world["users"]["cq_regulator"])
    page_rps, page_n = rate(client, "/organisations/", args.seconds)
    bare_rps, bare_n = rate(Client(), "/bench-bare/", args.seconds)
    print(f"authenticated page /organisations/ (cq_regulator): {page_rps:8.1f} req/s ({page_n} requests)")
    print(f"bare Django view (same middleware stack):          {bare_rps:8.1f} req/s ({bare_n} requests)")
    print(f"ratio page/bare: {page_rps / bare_rps:.3f}  (the page costs {bare_rps / page_rps:.1f}x a bare view)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

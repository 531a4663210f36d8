"""Certificate PDFs rendered per second on one core (target: at least 5), against the floor of
the same engine in the same run: WeasyPrint writing a one-page PDF with one line of Chinese.

    .venv/bin/python bench/certificate_pdfs.py [N] [--profile]

N demo certificates of every kind (two pages each, Noto Sans CJK, QR code, PDF/A-3b with the
DCC XML embedded) are rendered one after the other in this one process.
"""

import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metrohub.settings")
# a kept METROHUB_DATA_DIR keeps its demo world: measure again without building it
os.environ.setdefault("METROHUB_DATA_DIR", tempfile.mkdtemp(prefix="metrohub-bench-"))
os.environ.setdefault("METROHUB_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from metrohub.certificates import pdf, services  # noqa: E402
from metrohub.certificates.models import Certificate  # noqa: E402
from metrohub.core.demo import build_demo  # noqa: E402

FLOOR_HTML = (
    '<html lang="zh-hans"><body style="font-family: \'Noto Sans CJK SC\'">'
    "检定证书 CQ-AUTO-2025-000001</body></html>"
)


def rate(label: str, work, n: int) -> float:
    work(0)  # warm: imports, fonts, templates
    start = time.perf_counter()
    for i in range(n):
        work(i)
    seconds = time.perf_counter() - start
    print(f"{label:<52} {n / seconds:7.2f} PDFs/s  ({seconds / n * 1e3:7.1f} ms each)")
    return n / seconds


def main(n: int = 20, profile: bool = False) -> int:
    from weasyprint import HTML

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.METROHUB_DEMO_CASES = False
    call_command("migrate", verbosity=0)
    if not Certificate.objects.exists():
        build_demo()
    certificates = list(Certificate.objects.select_related("job", "center").order_by("pk")[:n])
    jobs = [(c, services.read_xml(c), list(c.job.points.all())) for c in certificates]
    kinds = sorted({c.kind for c in certificates})

    def certificate(i):
        c, xml, points = jobs[i % len(jobs)]
        data = pdf.render(c, xml=xml, points=points)
        assert data.startswith(b"%PDF-")

    def floor(i):
        HTML(string=FLOOR_HTML).write_pdf()

    if profile:
        import cProfile
        import pstats

        certificate(0)
        with cProfile.Profile() as profiler:
            for i in range(n):
                certificate(i)
        for order in ("cumulative", "tottime"):
            pstats.Stats(profiler).sort_stats(order).print_stats(35)
        return 0
    print(f"{n} certificates ({', '.join(kinds)}), one process, os.cpu_count() = {os.cpu_count()}")
    ours = rate("certificate PDF (2 pages, QR, PDF/A-3b + DCC XML)", certificate, n)
    base = rate("WeasyPrint floor (1 line of Chinese, 1 page)", floor, n)
    print(
        f"certificates per second per core: {ours:.2f} (target >= 5); {ours / base:.2f}x the floor's rate"
    )
    return 0


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    sys.exit(main(int(numbers[0]) if numbers else 20, profile="--profile" in sys.argv))

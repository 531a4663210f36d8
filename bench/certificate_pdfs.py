"""Certificate PDFs rendered per second on one core (target: at least 5), against the floor of
the engine of the other PDFs in the same run: WeasyPrint writing a one-page PDF with one line of
Chinese. Typst's own floor (the same line, same compiler settings) is printed beside it.

    .venv/bin/python bench/certificate_pdfs.py [N] [--profile]

N demo certificates of every kind (two pages each, Noto Sans CJK, QR code, PDF/A-3b with the
DCC XML embedded; Typst, metrohub.certificates.pdf) are rendered one after the other in this one
process. A kept METROHUB_DATA_DIR keeps its demo world, so that only the measurement runs under
the bench lock: `flock /tmp/bench.lock .venv/bin/python bench/certificate_pdfs.py 20`.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

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

FLOOR_TEXT = "检定证书 CQ-AUTO-2025-000001"
FLOOR_HTML = f'<html lang="zh-hans"><body style="font-family: \'Noto Sans CJK SC\'">{FLOOR_TEXT}</body></html>'
FLOOR_TYP = b'#set text(font: "Noto Sans CJK SC")\n#sys.inputs.text\n'


def rate(label: str, work, n: int) -> float:
    """PDFs per second of CPU time, the figure per core (Typst may spread a render over threads:
    the CPU time counts them all), with the wall-clock rate beside it."""
    work(0)  # warm: imports, fonts, templates
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(n):
        work(i)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{label:<52} {n / cpu:7.2f} PDFs/s per core ({cpu / n * 1e3:6.1f} ms CPU each;"
        f" wall {n / seconds:6.2f}/s)"
    )
    return n / cpu


def main(n: int = 20, profile: bool = False) -> int:
    import typst
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

    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "floor.typ").write_bytes(FLOOR_TYP)
        compiler = typst.Compiler(str(Path(root) / "floor.typ"), root=root)

        def typst_floor(i):
            compiler.compile(sys_inputs={"text": f"{FLOOR_TEXT}-{i}"}, pdf_standards="a-3b")

        return measure(n, kinds, profile, certificate, floor, typst_floor)


def measure(n, kinds, profile, certificate, floor, typst_floor) -> int:
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
    rate("Typst floor (the same line, 1 page, PDF/A-3b)", typst_floor, n)
    print(
        f"certificates per second per core: {ours:.2f} (target >= 5); {ours / base:.2f}x the floor's rate"
    )
    return 0


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    sys.exit(main(int(numbers[0]) if numbers else 20, profile="--profile" in sys.argv))

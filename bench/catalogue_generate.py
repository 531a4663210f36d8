"""A national-scale capability catalogue: N realistic lines across 300 centers in 31 provinces.

Lines are built from the demo catalogue's templates (real JJG/JJF documents, Chinese measurands),
varied by range, conditions and industry, and bulk-inserted: executemany on SQLite, COPY on
PostgreSQL, with the search index suspended during the load and rebuilt once after it.

    .venv/bin/python bench/catalogue_generate.py [--lines 1000000] [--centers 300]
    scripts/with-postgres .venv/bin/python bench/catalogue_generate.py --lines 1000000

Without METROHUB_DATA_DIR or DATABASE_URL it writes to a throwaway SQLite directory.
"""

import argparse
import os
import random
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metrohub.settings")
os.environ.setdefault("METROHUB_DATA_DIR", tempfile.mkdtemp(prefix="metrohub-bench-"))
os.environ.setdefault("METROHUB_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

PROVINCES = [
    ("110000", "北京市"),
    ("120000", "天津市"),
    ("130000", "河北省"),
    ("140000", "山西省"),
    ("150000", "内蒙古自治区"),
    ("210000", "辽宁省"),
    ("220000", "吉林省"),
    ("230000", "黑龙江省"),
    ("310000", "上海市"),
    ("320000", "江苏省"),
    ("330000", "浙江省"),
    ("340000", "安徽省"),
    ("350000", "福建省"),
    ("360000", "江西省"),
    ("370000", "山东省"),
    ("410000", "河南省"),
    ("420000", "湖北省"),
    ("430000", "湖南省"),
    ("440000", "广东省"),
    ("450000", "广西壮族自治区"),
    ("460000", "海南省"),
    ("500000", "重庆市"),
    ("510000", "四川省"),
    ("520000", "贵州省"),
    ("530000", "云南省"),
    ("540000", "西藏自治区"),
    ("610000", "陕西省"),
    ("620000", "甘肃省"),
    ("630000", "青海省"),
    ("640000", "宁夏回族自治区"),
    ("650000", "新疆维吾尔自治区"),
]
INDUSTRIES = [
    "汽车",
    "电子信息",
    "集成电路",
    "新能源",
    "生物医药",
    "航空航天",
    "轨道交通",
    "船舶",
    "石油化工",
    "装备制造",
    "新材料",
    "食品",
    "电力",
    "光电子",
    "智能制造",
    "环保",
]
CONDITIONS = [
    "",
    "实验室",
    "现场",
    "在线",
    "(20±2)℃",
    "介质:油",
    "介质:气体",
    "介质:水",
    "标准大气压",
    "恒温恒湿",
    "真空",
    "高温",
]
FACTORS = ["1", "1.6", "2.5", "4", "6", "10", "16", "25", "40", "60", "100"]


def ensure_centers(count: int) -> list:
    from metrohub.centers.models import Center
    from metrohub.organisations.demo import demo_credit_code
    from metrohub.organisations.models import Jurisdiction, Organisation

    country, _ = Jurisdiction.objects.get_or_create(
        code="000000", defaults={"name": "中华人民共和国", "level": "national"}
    )
    centers = list(Center.objects.filter(code__startswith="BENCH-").order_by("code"))
    if len(centers) >= count:
        return centers[:count]
    rng = random.Random(7)
    with transaction.atomic():
        for index in range(len(centers), count):
            code, province = PROVINCES[index % len(PROVINCES)]
            jurisdiction, _ = Jurisdiction.objects.get_or_create(
                code=code, defaults={"name": province, "level": "province", "parent": country}
            )
            industry = INDUSTRIES[index % len(INDUSTRIES)]
            host = Organisation.objects.create(
                name=f"{province}计量测试研究院{index}",
                credit_code=demo_credit_code(900000 + index, "metrology_institute", code),
                kind="metrology_institute",
                jurisdiction=jurisdiction,
            )
            centers.append(
                Center.objects.create(
                    code=f"BENCH-{index:04d}",
                    name=f"{province}{industry}产业计量测试中心{index}",
                    host=host,
                    jurisdiction=jurisdiction,
                    level=rng.choice(["municipal", "provincial", "national"]),
                    status="established",
                    industry_domain=industry,
                    director_name="主任",
                    contact_email=f"bench{index}@example.invalid",
                )
            )
    return centers


def variants():
    """Cleaned line data for every template × range factor × condition, computed once."""
    from decimal import Decimal

    from metrohub.catalogue.demo import SPECIAL, TEMPLATES, template_row
    from metrohub.catalogue.lines import natural_key
    from metrohub.catalogue.rows import clean_row

    templates = TEMPLATES + [t for lines in SPECIAL.values() for t in lines]
    out, seen = [], set()
    for template in templates:
        for lower, upper in template[6]:
            for factor in FACTORS:
                for condition in CONDITIONS:
                    row = template_row(template, lower, upper, industry="", cnas=True)
                    if upper:
                        row["range_upper"] = str(Decimal(upper) * Decimal(factor))
                    row["conditions"] = condition
                    data, errors = clean_row(row)
                    if not errors and natural_key(data) not in seen:
                        seen.add(natural_key(data))
                        out.append(data)
    return out


def _prepared(model, data: dict) -> dict:
    """Database values of the given fields, as the backend stores them (Decimal, JSON, ...)."""
    from django.db import connection

    return {
        name: model._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in data.items()
    }


def generate(lines: int, centers: int = 300, batch: int = 20000) -> float:
    """Insert `lines` published lines. The rows are assembled as tuples from per-variant values
    computed once, and written with executemany (SQLite) or COPY (PostgreSQL) while the search
    index is suspended; the index is rebuilt once at the end (faster than row by row)."""
    from django.db import connection
    from django.utils import timezone

    from metrohub.catalogue import search_index
    from metrohub.catalogue.grams import search_grams
    from metrohub.catalogue.lines import content_hash, derived, search_text
    from metrohub.catalogue.models import CapabilityLine

    call_command("migrate", verbosity=0)
    all_centers = ensure_centers(centers)
    pool = variants()
    columns = [f.column for f in CapabilityLine._meta.concrete_fields if f.name != "id"]
    names = [f.name for f in CapabilityLine._meta.concrete_fields if f.name != "id"]
    # The unit conversions and the natural key depend on the variant only: computed once.
    fixed = []
    for data in pool:
        values = {**data, **derived(data, center=all_centers[0])}
        for name in (
            *("industry_domain", "cnas", "content_hash"),
            *("search_text", "search_grams", "region_code"),
        ):
            values.pop(name, None)
        fixed.append(_prepared(CapabilityLine, values))
    now = timezone.now()
    constant = _prepared(
        CapabilityLine, {"status": "published", "version": 1, "updated_at": now}
    ) | {"published_on": now.date()}
    texts: dict = {}
    hashes: dict = {}
    rng = random.Random(42)
    started = time.perf_counter()
    per_center = -(-lines // len(all_centers))
    made = 0
    with search_index.bulk_load(connection), transaction.atomic():
        writer = _writer(connection, CapabilityLine._meta.db_table, columns)
        buffer = []
        for center in all_centers:
            if made >= lines:
                break
            industry, region = center.industry_domain, center.jurisdiction.code
            for pick in rng.sample(range(len(pool)), min(per_center, len(pool), lines - made)):
                cnas = rng.random() < 0.6
                text, grams = texts.get((pick, industry)) or (None, None)
                if text is None:
                    text = search_text({**pool[pick], "industry_domain": industry})
                    grams = search_grams(text)
                    texts[pick, industry] = text, grams
                digest = hashes.get((pick, industry, cnas))
                if digest is None:
                    digest = hashes[pick, industry, cnas] = content_hash(
                        {**pool[pick], "industry_domain": industry, "cnas": cnas}
                    )
                row = {
                    **fixed[pick],
                    **constant,
                    "center": center.pk,
                    "industry_domain": industry,
                    "cnas": cnas,
                    "content_hash": digest,
                    "search_text": text,
                    "search_grams": grams,
                    "region_code": region,
                }
                buffer.append(tuple(row[name] for name in names))
                made += 1
                if len(buffer) >= batch:
                    writer(buffer)
                    buffer = []
        if buffer:
            writer(buffer)
    return time.perf_counter() - started


def _writer(connection, table: str, columns: list[str]):
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":

        def copy(rows):
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

        return copy
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608

    def insert(rows):
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    return insert


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--centers", type=int, default=300)
    args = parser.parse_args()
    from django.db import connection

    seconds = generate(args.lines, args.centers)
    print(
        f"{args.lines} lines across {args.centers} centers on {connection.vendor}: "
        f"{seconds:.1f} s ({args.lines / seconds:.0f} lines/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The national references a chain may end at: China's national metrology institutes (keepers of
the national primary standards, 国家计量基准) and NMIs whose certificates are recognised under the
CIPM MRA. An operator may add others (admin)."""

from django.db import migrations

INSTITUTES = [
    ("中国计量科学研究院", "NIM", "中国", "primary"),
    ("中国测试技术研究院", "NIMTT", "中国", "primary"),
    ("Physikalisch-Technische Bundesanstalt", "PTB", "Deutschland", "nmi"),
    ("National Institute of Standards and Technology", "NIST", "United States", "nmi"),
    ("National Physical Laboratory", "NPL", "United Kingdom", "nmi"),
]


def add(apps, schema_editor):
    model = apps.get_model("traceability", "RecognisedInstitute")
    for name, short, country, kind in INSTITUTES:
        model.objects.get_or_create(
            name=name, defaults={"short_name": short, "country": country, "kind": kind}
        )


class Migration(migrations.Migration):
    dependencies = [("traceability", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]

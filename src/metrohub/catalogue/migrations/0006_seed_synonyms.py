"""The common names and unit spellings people type for what the catalogue lists under another.
Administrators add and correct groups in the admin (catalogue · search synonyms)."""

from django.db import migrations

NAMES = [
    ("万用表\n数字多用表\n多用表\n数字万用表", "JJF 1587 calls it 数字多用表"),
    ("扭矩扳手\n扭矩扳子\n扭力扳手", "JJG 707 calls it 扭矩扳子"),
    ("压力表\n压力计\n指针式压力表", "JJG 52 / JJG 875"),
    ("压力变送器\n压力传感器", ""),
    ("pH计\n酸度计", "JJG 119 实验室pH(酸度)计"),
    ("千分尺\n螺旋测微器", ""),
    ("卡尺\n游标卡尺", ""),
    ("声级计\n噪声计", "JJG 188"),
    ("三坐标测量机\n坐标测量机\nCMM", ""),
    ("光照度计\n照度计", "JJG 245"),
]
UNITS = [
    ("N·m\nNm\nN.m\nN*m\n牛·米\n牛米", "newton metre"),
    ("MPa\n兆帕", ""),
    ("kPa\n千帕", ""),
    ("kN\n千牛", ""),
    ("Ω\n欧姆", ""),
    ("μm\num\n微米", ""),
    ("mm\n毫米", ""),
]


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("catalogue", "SynonymGroup")
    for kind, rows in (("name", NAMES), ("unit", UNITS)):
        for variants, note in rows:
            SynonymGroup.objects.get_or_create(kind=kind, variants=variants, defaults={"note": note})


def unseed(apps, schema_editor):
    SynonymGroup = apps.get_model("catalogue", "SynonymGroup")
    for kind, rows in (("name", NAMES), ("unit", UNITS)):
        SynonymGroup.objects.filter(kind=kind, variants__in=[v for v, _n in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_synonym_group")]
    operations = [migrations.RunPython(seed, unseed)]

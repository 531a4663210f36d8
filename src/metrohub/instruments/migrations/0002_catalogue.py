"""Entries of the catalogue of working measuring instruments under compulsory verification
(实施强制管理的计量器具目录, SAMR 2020 No. 42) that users file most often, with the interval where
the verification regulation states one. The catalogue is data: an operator adds the rest (admin)."""

from django.db import migrations

USES = "贸易结算、安全防护、医疗卫生、环境监测"
CATALOGUE = [
    (1, "燃油加油机", "燃油加油机", "贸易结算", None),
    (2, "加气机", "液化石油气、压缩天然气、液化天然气加气机", "贸易结算", None),
    (3, "出租汽车计价器", "出租汽车计价器", "贸易结算", 12),
    (4, "电子计价秤", "电子计价秤", "贸易结算", 12),
    (5, "非自动衡器", "非自行指示秤、电子秤", "贸易结算", 12),
    (6, "水表", "冷水水表、热水表", "贸易结算", None),
    (7, "燃气表", "膜式燃气表", "贸易结算", None),
    (8, "电能表", "交流电能表", "贸易结算", None),
    (9, "热能表", "热能表", "贸易结算", None),
    (10, "压力表", "弹性元件式一般压力表、精密压力表", "安全防护", 6),
    (11, "血压计", "无创自动测量血压计、血压表", "医疗卫生", 12),
    (12, "体温计", "医用电子体温计", "医疗卫生", 12),
    (13, "心电图机", "心电图机", "医疗卫生", 12),
    (14, "呼出气体酒精含量检测仪", "呼出气体酒精含量检测仪", "安全防护", 12),
    (15, "机动车测速仪", "机动车雷达测速仪、激光测速仪", "安全防护", 12),
    (16, "声级计", "声级计", "环境监测", 12),
    (17, "烟尘采样器", "烟尘烟气测试仪", "环境监测", 12),
    (18, "可燃气体检测报警器", "可燃气体检测报警器", "安全防护", 12),
]


def add(apps, schema_editor):
    model = apps.get_model("instruments", "CompulsoryCategory")
    for number, name, scope, uses, interval in CATALOGUE:
        model.objects.get_or_create(
            number=number,
            defaults={"name": name, "scope": scope, "uses": uses, "interval_months": interval},
        )


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]

"""Demo centers in Chongqing, Hubei and Shanghai. Names are modelled on real programmes; contacts
are fictitious."""

import datetime

from metrohub.centers.models import Center

# (code, zh, en, host key, jurisdiction, level, status, industry, director, established)
CENTERS = [
    (
        "CQ-AUTO",
        "重庆市汽车零部件产业计量测试中心",
        "Chongqing Auto Parts Industrial Metrology Test Center",
        "cq-cqmi",
        "500000",
        "municipal",
        "established",
        "汽车及零部件",
        "陈静",
        datetime.date(2023, 6, 30),
    ),
    (
        "CQ-INSTR",
        "重庆市仪器仪表产业计量测试中心",
        "Chongqing Instruments Industrial Metrology Test Center",
        "cq-cqmi",
        "500000",
        "municipal",
        "established",
        "仪器仪表",
        "陈静",
        datetime.date(2024, 3, 15),
    ),
    (
        "CQ-MATERIAL",
        "重庆市新材料产业计量测试中心",
        "Chongqing New Materials Industrial Metrology Test Center",
        "cq-univ",
        "500000",
        "municipal",
        "preparing",
        "新材料",
        "黄涛",
        None,
    ),
    (
        "HB-OPTO",
        "湖北省光电子信息产业计量测试中心",
        "Hubei Optoelectronics Industrial Metrology Test Center",
        "hb-hbmi",
        "420000",
        "provincial",
        "established",
        "光电子信息",
        "何晓梅",
        datetime.date(2022, 11, 8),
    ),
    (
        "HB-AUTO",
        "湖北省汽车产业计量测试中心",
        "Hubei Automotive Industrial Metrology Test Center",
        "hb-hbmi",
        "420000",
        "provincial",
        "established",
        "汽车",
        "郑伟",
        datetime.date(2023, 9, 20),
    ),
    (
        "SH-IC",
        "上海市集成电路产业计量测试中心",
        "Shanghai Integrated Circuits Industrial Metrology Test Center",
        "sh-simt",
        "310000",
        "municipal",
        "established",
        "集成电路",
        "林志远",
        datetime.date(2022, 5, 12),
    ),
    (
        "SH-BIO",
        "上海市生物医药产业计量测试中心",
        "Shanghai Biomedicine Industrial Metrology Test Center",
        "sh-simt",
        "310000",
        "municipal",
        "preparing",
        "生物医药",
        "许丹",
        None,
    ),
]


def build(world: dict) -> None:
    centers = world.setdefault("centers", {})
    for code, zh, en, host, division, level, status, industry, director, established in CENTERS:
        centers[code], _ = Center.objects.update_or_create(
            code=code,
            defaults={
                "name": zh,
                "name_en": en,
                "host": world["organisations"][host],
                "jurisdiction": world["jurisdictions"][division],
                "level": level,
                "status": status,
                "industry_domain": industry,
                "director_name": director,
                "contact_email": f"{code.lower()}@demo.metrohub.localhost",
                "contact_phone": f"023-6000{len(centers):04d}"
                if division == "500000"
                else f"0{'27' if division == '420000' else '21'}-6000{len(centers):04d}",
                "established_on": established,
            },
        )

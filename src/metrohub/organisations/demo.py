"""Demo world: the three regulators of the seeds, their districts and a dozen organisations."""

from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.organisations.validators import credit_code_check_character

# (code, zh, en, level, parent)
JURISDICTIONS = [
    ("000000", "中华人民共和国", "People's Republic of China", "national", None),
    ("500000", "重庆市", "Chongqing", "province", "000000"),
    ("500112", "渝北区", "Yubei District", "district", "500000"),
    ("500107", "九龙坡区", "Jiulongpo District", "district", "500000"),
    ("500106", "沙坪坝区", "Shapingba District", "district", "500000"),
    ("420000", "湖北省", "Hubei", "province", "000000"),
    ("420111", "武汉市洪山区", "Hongshan District, Wuhan", "district", "420000"),
    ("420106", "武汉市武昌区", "Wuchang District, Wuhan", "district", "420000"),
    ("310000", "上海市", "Shanghai", "province", "000000"),
    ("310115", "浦东新区", "Pudong New Area", "district", "310000"),
    ("310114", "嘉定区", "Jiading District", "district", "310000"),
    ("310112", "闵行区", "Minhang District", "district", "310000"),
]

# (key, zh, en, kind, jurisdiction). Enterprise names are fictitious.
ORGANISATIONS = [
    (
        "cq-amr",
        "重庆市市场监督管理局",
        "Chongqing Administration for Market Regulation",
        "regulator",
        "500000",
    ),
    (
        "cq-yubei-amr",
        "重庆市渝北区市场监督管理局",
        "Yubei District AMR, Chongqing",
        "district_regulator",
        "500112",
    ),
    (
        "cq-jiulongpo-amr",
        "重庆市九龙坡区市场监督管理局",
        "Jiulongpo District AMR, Chongqing",
        "district_regulator",
        "500107",
    ),
    (
        "cq-eitc",
        "重庆市经济和信息化委员会",
        "Chongqing Economy and Information Technology Commission",
        "competent_authority",
        "500000",
    ),
    (
        "cq-cqmi",
        "重庆市计量质量检测研究院",
        "Chongqing Academy of Metrology and Quality Inspection",
        "metrology_institute",
        "500112",
    ),
    (
        "cq-auto",
        "重庆示例汽车零部件有限公司",
        "Chongqing Example Auto Parts Co., Ltd.",
        "enterprise",
        "500107",
    ),
    (
        "cq-univ",
        "重庆示例理工大学",
        "Chongqing Example University of Technology",
        "university",
        "500106",
    ),
    (
        "hb-amr",
        "湖北省市场监督管理局",
        "Hubei Administration for Market Regulation",
        "regulator",
        "420000",
    ),
    (
        "hb-hongshan-amr",
        "武汉市洪山区市场监督管理局",
        "Hongshan District AMR, Wuhan",
        "district_regulator",
        "420111",
    ),
    (
        "hb-eit",
        "湖北省经济和信息化厅",
        "Hubei Department of Economy and Information Technology",
        "competent_authority",
        "420000",
    ),
    (
        "hb-hbmi",
        "湖北省计量测试技术研究院",
        "Hubei Institute of Measurement and Testing Technology",
        "metrology_institute",
        "420111",
    ),
    (
        "hb-optics",
        "武汉示例光电科技有限公司",
        "Wuhan Example Optoelectronics Co., Ltd.",
        "enterprise",
        "420111",
    ),
    (
        "sh-amr",
        "上海市市场监督管理局",
        "Shanghai Administration for Market Regulation",
        "regulator",
        "310000",
    ),
    (
        "sh-pudong-amr",
        "上海市浦东新区市场监督管理局",
        "Pudong New Area AMR, Shanghai",
        "district_regulator",
        "310115",
    ),
    (
        "sh-eit",
        "上海市经济和信息化委员会",
        "Shanghai Commission of Economy and Informatization",
        "competent_authority",
        "310000",
    ),
    (
        "sh-simt",
        "上海市计量测试技术研究院",
        "Shanghai Institute of Measurement and Testing Technology",
        "metrology_institute",
        "310115",
    ),
    (
        "sh-ic",
        "上海示例集成电路有限公司",
        "Shanghai Example Integrated Circuits Co., Ltd.",
        "enterprise",
        "310114",
    ),
    (
        "sh-bio",
        "上海示例生物医药研究所",
        "Shanghai Example Biomedicine Research Institute",
        "research_institute",
        "310112",
    ),
]

_KIND_PREFIX = {  # registration authority + organisation category (GB 32100-2015 table 1 and 2)
    "regulator": "11",
    "district_regulator": "11",
    "competent_authority": "11",
    "metrology_institute": "12",
    "testing_institution": "12",
    "research_institute": "12",
    "university": "12",
    "enterprise": "91",
}


def demo_credit_code(index: int, kind: str, division: str) -> str:
    """A syntactically valid, fictitious code: prefix, division, serial, computed check character."""
    body = f"{_KIND_PREFIX[kind]}{division}{index:09d}"
    return body + credit_code_check_character(body)


def build(world: dict) -> None:
    jurisdictions = world.setdefault("jurisdictions", {})
    for code, zh, en, level, parent in JURISDICTIONS:
        jurisdictions[code], _ = Jurisdiction.objects.update_or_create(
            code=code,
            defaults={
                "name": zh,
                "name_en": en,
                "level": level,
                "parent": jurisdictions.get(parent),
            },
        )
    organisations = world.setdefault("organisations", {})
    for index, (key, zh, en, kind, division) in enumerate(ORGANISATIONS, start=1):
        organisations[key], _ = Organisation.objects.update_or_create(
            credit_code=demo_credit_code(index, kind, division),
            defaults={
                "name": zh,
                "name_en": en,
                "kind": kind,
                "jurisdiction": jurisdictions[division],
            },
        )

"""A small programme of our own for the dashboards: Chongqing with two districts and Hubei, each
place given the same rows, so that every number is known from how many rows were made and any
number leaking across a boundary shows as a wrong count."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

TODAY = dt.date(2025, 6, 16)
_serial = itertools.count(1)


@pytest.fixture
def programme(db):
    from metrohub.accounts.models import Role, RoleAssignment, User
    from metrohub.organisations.models import Jurisdiction, Organisation

    china = Jurisdiction.objects.create(code="000000", name="中华人民共和国", level="national")
    cq = Jurisdiction.objects.create(code="500000", name="重庆市", level="province", parent=china)
    hb = Jurisdiction.objects.create(code="420000", name="湖北省", level="province", parent=china)
    yubei = Jurisdiction.objects.create(code="500112", name="渝北区", level="district", parent=cq)
    jiangbei = Jurisdiction.objects.create(
        code="500105", name="江北区", level="district", parent=cq
    )

    def org(name, place, kind="metrology_institute"):
        return Organisation.objects.create(
            credit_code=f"{next(_serial):018d}", name=name, kind=kind, jurisdiction=place
        )

    orgs = {
        "yubei": org("渝北示例研究院", yubei),
        "jiangbei": org("江北示例研究院", jiangbei),
        "hubei": org("湖北示例研究院", hb),
        "customer": org("示例制造有限公司", yubei, "enterprise"),
        "rival": org("另一家制造有限公司", jiangbei, "enterprise"),
    }

    def person(username, role, place, organisation=None):
        user = User.objects.create_user(username, password="x")
        RoleAssignment.objects.create(
            user=user, role=role, jurisdiction=place, organisation=organisation
        )
        return user

    users = {
        "regulator": person("t_regulator", Role.PROGRAMME_REGULATOR, cq),
        "hb_regulator": person("t_hb_regulator", Role.PROGRAMME_REGULATOR, hb),
        "yubei": person("t_yubei", Role.DISTRICT_REGULATOR, yubei),
        "jiangbei": person("t_jiangbei", Role.DISTRICT_REGULATOR, jiangbei),
        "director": person("t_director", Role.CENTER_DIRECTOR, yubei, orgs["yubei"]),
        "industry": person("t_industry", Role.INDUSTRY_USER, yubei, orgs["customer"]),
        "rival": person("t_rival", Role.INDUSTRY_USER, jiangbei, orgs["rival"]),
    }
    places = {"yubei": yubei, "jiangbei": jiangbei, "hubei": hb}
    return {"places": places, "orgs": orgs, "users": users, "cq": cq, "hb": hb, "rows": 0}


def fill(programme, n: int) -> None:
    """n more rows of every kind in each of the three places (Yubei, Jiangbei, Hubei).

    Per row and place: one center (established in 2023 if the row is even, else preparing,
    municipal, industry 汽车 or 仪器仪表 in turn), a case in the place's district at stage
    formal_review with one overdue and one open obligation (due in 10 days) and a supervision
    visit 30 days ago, a certificate issued
    in 2024 and one this month (the customer's, valid until 20 days from today), an alliance
    activity in 2024, two capability lines (one published, one draft), a booking waiting for
    approval and an enquiry awaiting an answer from the customer."""
    from metrohub.accounts.models import User
    from metrohub.alliances.models import Activity, Alliance
    from metrohub.cases.models import Case, Obligation, SupervisionVisit
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.centers.models import Center
    from metrohub.certificates.models import Certificate, Job, SigningKey
    from metrohub.certificates.tallies import count_issued
    from metrohub.enquiries.models import Enquiry
    from metrohub.legaltime.models import StoredDeadline
    from metrohub.sharing.models import Booking, Resource

    start = programme["rows"]
    programme["rows"] += n
    industry = programme["users"]["industry"]
    customer = programme["orgs"]["customer"]
    someone = User.objects.get(username="t_director")
    key, _new = SigningKey.objects.get_or_create(
        key_id="test", defaults={"public_key": "A" * 44, "valid_from": timezone.now()}
    )
    for place_key, place in programme["places"].items():
        host = programme["orgs"][place_key]
        for i in range(start, start + n):
            code = f"T{place_key[:2].upper()}-{i:03d}"
            center = Center.objects.create(
                code=code,
                name=f"{place.name}测试{i:03d}中心",
                host=host,
                jurisdiction=place,
                level="municipal",
                status="established" if i % 2 == 0 else "preparing",
                established_on=dt.date(2023, 5, 1) if i % 2 == 0 else None,
                industry_domain=["汽车", "仪器仪表"][i % 2],
            )
            province = place if place.level == "province" else place.parent
            case = Case.objects.create(
                rulepack_code="chongqing" if province.code == "500000" else "hubei",
                rulepack_version="2024" if province.code == "500000" else "2016",
                state="formal_review" if province.code == "500000" else "draft",
                filed_on=dt.date(2024, 3, 1),
                applicant=host,
                jurisdiction=province,
                district=place if place.level == "district" else None,
                center_name=center.name,
                center=center,
            )
            for due, role in [(TODAY - dt.timedelta(5), "applicant"), (TODAY + dt.timedelta(10), "programme_regulator")]:  # fmt: skip
                deadline = StoredDeadline.objects.create(start=TODAY, count=1, unit="days", due=due)
                Obligation.objects.create(
                    case=case,
                    code="supplement_period",
                    deadline=deadline,
                    article="第十条",
                    responsible_role=role,
                    opened_by="test",
                )
            SupervisionVisit.objects.create(
                case=case, visited_on=TODAY - dt.timedelta(30), findings="建设进度正常",
                recorded_by=someone,
            )  # fmt: skip
            for issued in (dt.datetime(2024, 7, 1, 10), dt.datetime.combine(TODAY.replace(day=2), dt.time(10))):  # fmt: skip
                job = Job.objects.create(
                    center=center,
                    customer=customer,
                    kind="calibration",
                    state="issued",
                    instrument_name="数字多用表",
                    measurand="电压",
                    method_code="JJF 1587-2016",
                    measured_on=issued.date(),
                    created_by=someone,
                )
                serial = next(_serial)
                certificate = Certificate.objects.create(
                    job=job,
                    center=center,
                    customer=customer,
                    number=f"N{serial:08d}",
                    year=issued.year,
                    sequence=serial,
                    kind="calibration_certificate",
                    token=f"tok{serial}",
                    issued_at=timezone.make_aware(issued),
                    valid_until=TODAY + dt.timedelta(20),
                    xml="x.xml",
                    xml_sha256="0" * 64,
                    signature="s",
                    signing_key=key,
                )
                count_issued([certificate])  # written here as the service would, tallied too
            alliance = Alliance.objects.create(center=center, name=f"{center.name}联盟")
            Activity.objects.create(
                alliance=alliance, held_on=dt.date(2024, 9, 1), kind="training", title="培训",
                recorded_by=someone,
            )  # fmt: skip
            for status in ("published", "draft"):
                CapabilityLine.objects.create(
                    center=center, natural_key=f"k{next(_serial)}", kind="calibration",
                    area="electromagnetic", measurand="直流电压", status=status,
                    content_hash="0", region_code=place.code, search_text="", measurand_key="",
                )  # fmt: skip
            resource = Resource.objects.create(
                center=center, owner=host, kind="instrument", name=f"示波器{i}"
            )
            begins = timezone.make_aware(dt.datetime.combine(TODAY + dt.timedelta(3), dt.time(9)))
            Booking.objects.create(
                resource=resource, requester=industry, organisation=customer,
                starts_at=begins, ends_at=begins + dt.timedelta(hours=2), purpose="测量",
            )  # fmt: skip
            Enquiry.objects.create(
                center=center, sender=industry, organisation=customer, subject="校准多用表",
                sent_at=timezone.make_aware(dt.datetime.combine(TODAY, dt.time(8))),
            )  # fmt: skip

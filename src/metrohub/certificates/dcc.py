"""The machine-readable twin of a certificate: a PTB Digital Calibration Certificate (DCC 3.1.2
with D-SI 2.1.0), validated against the schema shipped in `schema/` before issue.

The schema imports D-SI by its remote URL; nothing here reaches the network: the D-SI namespace
is mapped to the local copy. Results are D-SI quantities (si:real) with their expanded
uncertainty, coverage factor and probability; conformity statements ride in the measurement
metadata of each point.
"""

import functools
from pathlib import Path

from lxml import etree

import metrohub
from metrohub.certificates.models import Certificate, CertificateKind, Conformity, Job
from metrohub.certificates.points import coverage_probability, indication
from metrohub.uncertainty.report import plain

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
DCC = "https://ptb.de/dcc"
SI = "https://ptb.de/si"
SCHEMA_VERSION = "3.1.2"
NSMAP = {"dcc": DCC, "si": SI}

# Unit codes of the catalogue -> D-SI unit strings (BIPM SI brochure, 9th edition, D-SI syntax).
PREFIXES = {"k": r"\kilo", "M": r"\mega", "G": r"\giga", "m": r"\milli", "μ": r"\micro",
            "n": r"\nano", "p": r"\pico", "c": r"\centi"}  # fmt: skip
BASE_UNITS = {"Pa": r"\pascal", "m": r"\metre", "g": r"\gram", "s": r"\second", "A": r"\ampere",
              "K": r"\kelvin", "V": r"\volt", "W": r"\watt", "Ω": r"\ohm", "N": r"\newton",
              "Hz": r"\hertz", "J": r"\joule", "F": r"\farad", "H": r"\henry", "lx": r"\lux",
              "Gy": r"\gray", "Sv": r"\sievert", "mol": r"\mole", "cd": r"\candela",
              "L": r"\litre", "bar": r"\bar"}  # fmt: skip
SPECIAL_UNITS = {
    "°C": r"\degreecelsius",
    "%": r"\percent",
    "%RH": r"\percent",
    "dB": r"\decibel",
    "N·m": r"\newton\metre",
    "m³/h": r"\metre\tothe{3}\hour\tothe{-1}",
    "r/min": r"\one\minute\tothe{-1}",
    "min": r"\minute",
    "h": r"\hour",
    "°": r"\degree",
    "pH": r"\one",
    "": r"\one",
}


def dsi_unit(code: str) -> str:
    """The D-SI spelling of a unit code; codes D-SI cannot spell are written as |code."""
    if code in SPECIAL_UNITS:
        return SPECIAL_UNITS[code]
    if code in BASE_UNITS:
        return BASE_UNITS[code]
    if len(code) > 1 and code[0] in PREFIXES and code[1:] in BASE_UNITS:
        return PREFIXES[code[0]] + BASE_UNITS[code[1:]]
    return "|" + code  # D-SI's mark for a unit outside the SI


@functools.cache
def schema():
    import xmlschema

    return xmlschema.XMLSchema(
        str(SCHEMA_DIR / "dcc.xsd"), locations={SI: str(SCHEMA_DIR / "SI_Format.xsd")}
    )


def validate(xml: bytes) -> list[str]:
    """Every schema violation, as `path: reason` lines (empty when valid)."""
    problems = []
    for error in schema().iter_errors(xml):
        problems.append(f"{error.path or '/'}: {error.reason}")
        if len(problems) >= 20:
            break
    return problems


# ------------------------------------------------------------------------------ building


class _Builder:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{DCC}}}digitalCalibrationCertificate", nsmap=NSMAP)
        self.root.set("schemaVersion", SCHEMA_VERSION)

    @staticmethod
    def el(parent, tag: str, text=None, **attrs):
        ns, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{NSMAP[ns]}}}{name}", **attrs)
        if text is not None:
            node.text = str(text)
        return node

    def text(self, parent, tag: str, zh: str, en: str = "", **attrs):
        node = self.el(parent, tag, **attrs)
        self.el(node, "dcc:content", zh or "-", lang="zh")
        if en:
            self.el(node, "dcc:content", en, lang="en")
        return node

    def real(self, parent, value: str, unit: str, label: str = "", point=None):
        node = self.el(parent, "si:real")
        if label:
            self.el(node, "si:label", label)
        self.el(node, "si:value", value)
        self.el(node, "si:unit", dsi_unit(unit))
        if point is not None and point.expanded_uncertainty and point.coverage_k:
            unc = self.el(node, "si:expandedUnc")
            self.el(unc, "si:uncertainty", point.expanded_uncertainty)
            self.el(unc, "si:coverageFactor", point.coverage_k)
            self.el(unc, "si:coverageProbability", coverage_probability(point))
        return node

    def contact(self, parent, tag: str, *, name: str, name_en: str, email: str, address: str,
                phone: str = ""):  # fmt: skip
        node = self.el(parent, tag)
        self.text(node, "dcc:name", name, name_en)
        self.el(node, "dcc:eMail", email or "-")
        if phone:
            self.el(node, "dcc:phone", phone)
        location = self.el(node, "dcc:location")
        if address:
            further = self.el(location, "dcc:further")
            self.el(further, "dcc:content", address, lang="zh")
        self.el(location, "dcc:countryCode", "CN")
        return node


TITLES = {
    CertificateKind.VERIFICATION_CERTIFICATE: ("检定结果", "Results of verification"),
    CertificateKind.VERIFICATION_NOTICE: ("检定结果", "Results of verification"),
    CertificateKind.CALIBRATION_CERTIFICATE: ("校准结果", "Results of calibration"),
    CertificateKind.TEST_REPORT: ("检测结果", "Results of testing"),
    CertificateKind.MEASUREMENT_REPORT: ("测试结果", "Results of the measurement test"),
}
ROLES = (("performer", "检定/校准/检测人员", "Performed by"), ("checker", "核验人员", "Checked by"),
         ("approver", "批准人", "Approved by"))  # fmt: skip


def build(certificate: Certificate, *, points, standards=None) -> bytes:
    """The DCC XML of a certificate being issued (number, job, signatories known). `standards`:
    the job's standards with instruments and their certificates prefetched, if the caller has
    them (the demo builder issues many jobs on the same standards)."""
    job = certificate.job
    b = _Builder()
    admin = b.el(b.root, "dcc:administrativeData")
    software = b.el(b.el(admin, "dcc:dccSoftware"), "dcc:software")
    b.text(software, "dcc:name", "Metrohub 产业计量测试中心平台", "Metrohub")
    b.el(software, "dcc:release", getattr(metrohub, "__version__", "0.1.0"))
    _core_data(b, admin, certificate, job)
    _items(b, admin, job)
    center = job.center
    lab = b.el(admin, "dcc:calibrationLaboratory")
    b.el(lab, "dcc:calibrationLaboratoryCode", center.code)
    b.contact(lab, "dcc:contact", name=center.name, name_en=center.name_en,
              email=center.contact_email, address=center.host.address,
              phone=center.contact_phone)  # fmt: skip
    people = b.el(admin, "dcc:respPersons")
    for attr, zh, en in ROLES:
        person = getattr(job, attr)
        resp = b.el(people, "dcc:respPerson")
        node = b.el(resp, "dcc:person")
        b.text(node, "dcc:name", str(person))
        b.el(resp, "dcc:role", f"{zh} / {en}")
        if attr == "approver":
            b.el(resp, "dcc:mainSigner", "true")
    customer = job.customer
    b.contact(admin, "dcc:customer", name=customer.name, name_en=customer.name_en,
              email=customer.contact_email, address=customer.address)  # fmt: skip
    _statements(b, admin, certificate, job)
    _results(b, certificate, job, points, standards)
    return etree.tostring(b.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _core_data(b, admin, certificate, job):
    core = b.el(admin, "dcc:coreData")
    b.el(core, "dcc:countryCodeISO3166_1", "CN")
    b.el(core, "dcc:usedLangCodeISO639_1", "zh")
    b.el(core, "dcc:usedLangCodeISO639_1", "en")
    b.el(core, "dcc:mandatoryLangCodeISO639_1", "zh")
    b.el(core, "dcc:uniqueIdentifier", certificate.number)
    ids = b.el(core, "dcc:identifications")
    ident = b.el(ids, "dcc:identification")
    b.el(ident, "dcc:issuer", "calibrationLaboratory")
    b.el(ident, "dcc:value", certificate.kind)
    b.text(ident, "dcc:name", _KIND_ZH[certificate.kind], certificate.kind.replace("_", " "))
    if job.record_number:
        ident = b.el(ids, "dcc:identification")
        b.el(ident, "dcc:issuer", "calibrationLaboratory")
        b.el(ident, "dcc:value", job.record_number)
        b.text(ident, "dcc:name", "原始记录号", "Original record number")
    if job.received_on:
        b.el(core, "dcc:receiptDate", job.received_on.isoformat())
    b.el(core, "dcc:beginPerformanceDate", job.measured_on.isoformat())
    b.el(core, "dcc:endPerformanceDate", job.measured_on.isoformat())
    b.el(
        core,
        "dcc:performanceLocation",
        "laboratory" if job.location == "laboratory" else "customer",
    )
    if certificate.replaces_id:
        old = certificate.replaces
        previous = b.el(core, "dcc:previousReport")
        b.text(previous, "dcc:referral", "被替代的证书", "Replaced certificate")
        b.el(previous, "dcc:referralID", old.number)
        b.el(previous, "dcc:procedure", "SHA-256 of the DCC XML")
        b.el(previous, "dcc:value", old.xml_sha256)


_KIND_ZH = {
    CertificateKind.VERIFICATION_CERTIFICATE: "检定证书",
    CertificateKind.VERIFICATION_NOTICE: "检定结果通知书",
    CertificateKind.CALIBRATION_CERTIFICATE: "校准证书",
    CertificateKind.TEST_REPORT: "检测报告",
    CertificateKind.MEASUREMENT_REPORT: "测试报告",
}


def _items(b, admin, job: Job):
    items = b.el(admin, "dcc:items")
    item = b.el(items, "dcc:item")
    b.text(item, "dcc:name", job.instrument_name)
    if job.instrument_range or job.accuracy:
        description = b.el(item, "dcc:description")
        for text in (job.instrument_range, job.accuracy):
            if text:
                b.el(description, "dcc:content", text, lang="zh")
    manufacturer = b.el(item, "dcc:manufacturer")
    b.text(manufacturer, "dcc:name", job.manufacturer or "-")
    if job.instrument_model:
        b.el(item, "dcc:model", job.instrument_model)
    ids = b.el(item, "dcc:identifications")
    ident = b.el(ids, "dcc:identification")
    b.el(ident, "dcc:issuer", "manufacturer" if job.serial_number else "calibrationLaboratory")
    b.el(ident, "dcc:value", job.serial_number or f"job-{job.pk}")
    b.text(ident, "dcc:name", "出厂编号" if job.serial_number else "任务编号",
           "Serial number" if job.serial_number else "Job number")  # fmt: skip


def _statements(b, admin, certificate, job):
    statements = b.el(admin, "dcc:statements")
    statement = b.el(statements, "dcc:statement")
    b.el(statement, "dcc:convention", job.decision_rule)
    b.el(statement, "dcc:norm", job.method_code)
    declaration = b.el(statement, "dcc:declaration")
    b.el(declaration, "dcc:content", _conclusion_zh(certificate, job), lang="zh")
    if certificate.kind in (
        CertificateKind.VERIFICATION_CERTIFICATE,
        CertificateKind.VERIFICATION_NOTICE,
    ):
        if certificate.valid_until:
            b.el(statement, "dcc:date", certificate.valid_until.isoformat())
        b.el(statement, "dcc:conformity",
             "pass" if certificate.kind == CertificateKind.VERIFICATION_CERTIFICATE else "fail")  # fmt: skip
    statement = b.el(statements, "dcc:statement")
    declaration = b.el(statement, "dcc:declaration")
    b.el(declaration, "dcc:content", "本证书/报告的结果仅对所检定/校准/检测的对象有效；"
         "未经本中心书面批准，不得部分复制。", lang="zh")  # fmt: skip
    b.el(declaration, "dcc:content", "The results relate only to the item measured; not to be "
         "reproduced except in full without the center's written approval.", lang="en")  # fmt: skip


def _conclusion_zh(certificate, job) -> str:
    if certificate.kind == CertificateKind.VERIFICATION_CERTIFICATE:
        until = certificate.valid_until.isoformat() if certificate.valid_until else ""
        return f"经检定合格（依据 {job.method_code}），有效期至 {until}。"
    if certificate.kind == CertificateKind.VERIFICATION_NOTICE:
        return f"经检定不合格（依据 {job.method_code}），不合格项见检定结果。"
    return f"结果见测量结果（依据 {job.method_code}）。"


def _results(b, certificate, job: Job, points, standards):
    results = b.el(b.root, "dcc:measurementResults")
    result = b.el(results, "dcc:measurementResult")
    zh, en = TITLES[certificate.kind]
    b.text(result, "dcc:name", zh, en)
    methods = b.el(result, "dcc:usedMethods")
    method = b.el(methods, "dcc:usedMethod")
    b.text(method, "dcc:name", job.method_title or job.method_code)
    b.el(method, "dcc:norm", job.method_code)
    _equipment(b, result, job, standards)
    _conditions(b, result, job)
    data = b.el(b.el(b.el(result, "dcc:results"), "dcc:result"), "dcc:name")
    b.el(data, "dcc:content", job.measurand, lang="zh")
    data = b.el(data.getparent(), "dcc:data")
    for point in points:
        _point(b, data, job, point)


def _equipment(b, result, job: Job, standards):
    if standards is None:
        standards = list(
            job.standards.all().prefetch_related("instruments__certificates__platform_certificate")
        )
    if not standards:
        return
    equipments = b.el(result, "dcc:measuringEquipments")
    from metrohub.standards.services import covering_certificate

    for standard in standards:
        for instrument in standard.instruments.all():
            equipment = b.el(equipments, "dcc:measuringEquipment")
            b.text(equipment, "dcc:name", f"{instrument.name}（{standard.name}）")
            description = b.el(equipment, "dcc:description")
            b.el(description, "dcc:content",
                 f"计量标准考核证书 {standard.exam_certificate_number}，有效期至 "
                 f"{standard.exam_valid_until.isoformat()}；{instrument.accuracy}", lang="zh")  # fmt: skip
            record = covering_certificate(instrument, job.measured_on)
            if record is not None:
                cert = b.el(equipment, "dcc:certificate")
                b.text(
                    cert, "dcc:referral", f"{record.issuer}（有效期至 {record.due_on.isoformat()}）"
                )
                b.el(cert, "dcc:referralID", record.number)
                linked = record.platform_certificate
                b.el(cert, "dcc:procedure", "SHA-256 of the DCC XML" if linked else "none")
                b.el(cert, "dcc:value", linked.xml_sha256 if linked else "-")
            if instrument.manufacturer:
                b.text(b.el(equipment, "dcc:manufacturer"), "dcc:name", instrument.manufacturer)
            if instrument.model:
                b.el(equipment, "dcc:model", instrument.model)
            if instrument.serial_number:
                ids = b.el(equipment, "dcc:identifications")
                ident = b.el(ids, "dcc:identification")
                b.el(ident, "dcc:issuer", "manufacturer")
                b.el(ident, "dcc:value", instrument.serial_number)


def _conditions(b, result, job: Job):
    measured = [(job.temperature, "°C", "温度", "Temperature"),
                (job.humidity, "%", "相对湿度", "Relative humidity")]  # fmt: skip
    present = [m for m in measured if m[0] is not None]
    if not present and not job.environment_other and not job.place:
        return
    conditions = b.el(result, "dcc:influenceConditions")
    condition = b.el(conditions, "dcc:influenceCondition")
    b.text(condition, "dcc:name", "环境条件", "Environmental conditions")
    if job.environment_other or job.place:
        description = b.el(condition, "dcc:description")
        for text in (job.place, job.environment_other):
            if text:
                b.el(description, "dcc:content", text, lang="zh")
    data = b.el(condition, "dcc:data")
    for value, unit, zh, en in present:
        quantity = b.el(data, "dcc:quantity")
        b.text(quantity, "dcc:name", zh, en)
        b.real(quantity, plain(value), unit)
    if not present:
        b.el(b.el(data, "dcc:text"), "dcc:content", job.environment_other or job.place, lang="zh")


def _point(b, data, job: Job, point):
    lst = b.el(data, "dcc:list")
    b.text(lst, "dcc:name", f"{point.position}. {point.characteristic or job.measurand}")
    quantity = b.el(lst, "dcc:quantity")
    b.text(quantity, "dcc:name", "标称值", "Nominal value")
    b.real(quantity, point.nominal, point.unit)
    shown = indication(_as_dict(point))
    if shown is not None:
        quantity = b.el(lst, "dcc:quantity")
        b.text(quantity, "dcc:name", "示值", "Indication")
        b.real(quantity, plain(shown), point.unit)
    for value, zh, en in (
        (point.as_found, "调整前示值", "As found"),
        (point.as_left, "调整后示值", "As left"),
    ):
        if value:
            quantity = b.el(lst, "dcc:quantity")
            b.text(quantity, "dcc:name", zh, en)
            b.real(quantity, value, point.unit)
    if point.error:
        quantity = b.el(lst, "dcc:quantity")
        b.text(quantity, "dcc:name", "示值误差", "Error of indication")
        b.real(quantity, point.error, point.unit, point=point)
    elif point.expanded_uncertainty:
        quantity = b.el(lst, "dcc:quantity")
        b.text(quantity, "dcc:name", "测量结果", "Measured value")
        b.real(quantity, point.nominal, point.unit, point=point)
    if point.mpe:
        quantity = b.el(lst, "dcc:quantity")
        b.text(quantity, "dcc:name", "最大允许误差", "Maximum permissible error")
        b.real(quantity, point.mpe.lstrip("-"), point.unit)
    if point.conformity:
        meta = b.el(b.el(lst, "dcc:measurementMetaData"), "dcc:metaData")
        b.el(meta, "dcc:convention", job.decision_rule)
        declaration = b.el(meta, "dcc:declaration")
        b.el(declaration, "dcc:content", "符合" if point.conformity == Conformity.PASS else "不符合",
             lang="zh")  # fmt: skip
        b.el(meta, "dcc:conformity", "pass" if point.conformity == Conformity.PASS else "fail")


def _as_dict(point) -> dict:
    return {"as_left": point.as_left, "readings": point.readings, "as_found": point.as_found}

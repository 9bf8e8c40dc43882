"""The agency directory every deployment starts with (SPEC §2), plus demo units and rules.

Country-wide: the national agency, a coordinator for each of the 38 provinces and 514
regencies/cities, and a few ministries. Demo (local stack, tests, a pilot): OPD units for
education, health and infrastructure in Kota Makassar, Kota Bandung and Jakarta, with routing rules.
"""

from __future__ import annotations

from chalicelib.domain.agencies import Agency, national, province_coordinator, regency_coordinator, slugify
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID
from chalicelib.domain.reference import regions
from chalicelib.models import AgencyModel, RoutingRuleModel

MINISTRIES = (
    ("kemenkes", "Kementerian Kesehatan"),
    ("kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah"),
    ("kemen-pu", "Kementerian Pekerjaan Umum"),
    ("kemensos", "Kementerian Sosial"),
)
# (regency code, name suffix) -> OPD units for these categories
DEMO_UNITS = {
    "education": ("dinas-pendidikan", "Dinas Pendidikan"),
    "health": ("dinas-kesehatan", "Dinas Kesehatan"),
    "infrastructure": ("dinas-pupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
}
DEMO_REGENCIES = ("73.71", "32.73")  # Kota Makassar, Kota Bandung


def demo_unit_id(prefix: str, regency_code: str) -> str:
    name = regions().regencies[regency_code].name
    return f"{prefix}-{slugify(name)}"


def directory() -> list[Agency]:
    nat = national()
    agencies = [nat]
    for agency_id, name in MINISTRIES:
        agencies.append(Agency(agency_id, name, "ministry", nat.agency_id, (*nat.path, agency_id)))
    for code in regions().provinces:
        agencies.append(province_coordinator(code))
    for code in regions().regencies:
        agencies.append(regency_coordinator(code))
    return agencies


def demo_units() -> tuple[list[Agency], list[tuple[str, str, str]]]:
    units, rules = [], []
    for regency_code in DEMO_REGENCIES:
        parent = regency_coordinator(regency_code)
        for category, (prefix, title) in DEMO_UNITS.items():
            agency_id = demo_unit_id(prefix, regency_code)
            name = f"{title} {regions().regencies[regency_code].name}"
            units.append(Agency(agency_id, name, "unit", parent.agency_id, (*parent.path, agency_id),
                                province_code=parent.province_code, regency_code=regency_code,
                                emails=(f"{agency_id}@lapor.example.go.id",)))
            rules.append((regency_code, category, agency_id))
    return units, rules


def to_model(agency: Agency, now_iso: str) -> AgencyModel:
    emails = list(agency.emails) or [f"{agency.agency_id}@lapor.example.go.id"]
    return AgencyModel(agency.agency_id, name=agency.name, level=agency.level, parent_id=agency.parent_id,
                       path=list(agency.path), province_code=agency.province_code,
                       regency_code=agency.regency_code, emails=emails,
                       webhook_url=agency.webhook_url, webhook_secret=agency.webhook_secret,
                       updated_at=now_iso, version=1)


def seed(now_iso: str, demo: bool = True) -> dict[str, int]:
    agencies = directory()
    rules: list[tuple[str, str, str]] = []
    if demo:
        units, rules = demo_units()
        agencies += units
    with AgencyModel.batch_write() as batch:
        for agency in agencies:
            batch.save(to_model(agency, now_iso))
    with RoutingRuleModel.batch_write() as batch:
        for region_code, category, agency_id in rules:
            batch.save(RoutingRuleModel(region_code, category, agency_id=agency_id, updated_at=now_iso))
    return {"agencies": len(agencies), "routing_rules": len(rules)}


__all__ = ["NATIONAL_AGENCY_ID", "demo_units", "directory", "seed"]

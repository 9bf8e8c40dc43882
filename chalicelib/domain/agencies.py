"""The agency hierarchy (SPEC §2): levels, the coordinators every region has, their ids.

Every province and regency/city has a coordinator agency whose id follows from its Kemendagri
code's name (``pemprov-sulawesi-selatan``, ``pemkot-makassar``, ``pemkab-bandung``), so a report's
queue is known without a read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Target

__all__ = ["NATIONAL_AGENCY_ID", "Agency", "Target"]
from chalicelib.domain.reference import WIB, regions, time_zone_of

LEVELS = ("national", "ministry", "province", "regency", "unit")
PARENT_LEVELS = {
    "ministry": {"national"},
    "province": {"national"},
    "regency": {"province"},
    "unit": {"ministry", "province", "regency"},
}
NATIONAL_NAME = "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi (KemenPANRB)"
REGENCY_KIND = re.compile(r"^(Kota|Kabupaten)\s+")
SLUG = re.compile(r"^[a-z0-9][a-z0-9\-]{1,80}$")
# How an agency hears about its reports (SPEC §2, §13): an e-mail per event, or one digest a day.
NOTIFY_IMMEDIATE, NOTIFY_DAILY = "immediate", "daily"
NOTIFY_MODES = (NOTIFY_IMMEDIATE, NOTIFY_DAILY)


def time_zone(province_code: str | None) -> str:
    """An agency's time zone: its province's; national agencies and ministries use WIB."""
    return time_zone_of(province_code) if province_code else WIB


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    level: str
    parent_id: str | None
    path: tuple[str, ...]
    province_code: str | None = None
    regency_code: str | None = None
    emails: tuple[str, ...] = ()
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_previous_secret: str | None = field(default=None, repr=False)
    webhook_previous_until: str | None = None  # ISO time: the old secret signs too until then
    notify: str = "immediate"  # immediate | daily (SPEC §13)

    def target(self) -> Target:
        return Target(self.agency_id, self.path, self.name)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def province_coordinator_id(province_code: str) -> str:
    return "pemprov-" + slugify(regions().provinces[province_code].name)


def regency_coordinator_id(regency_code: str) -> str:
    name = regions().regencies[regency_code].name
    prefix = "pemkot-" if name.startswith("Kota ") else "pemkab-"
    return prefix + slugify(REGENCY_KIND.sub("", name))


def national() -> Agency:
    return Agency(NATIONAL_AGENCY_ID, NATIONAL_NAME, "national", None, (NATIONAL_AGENCY_ID,))


def province_coordinator(province_code: str) -> Agency:
    agency_id = province_coordinator_id(province_code)
    name = f"Pemerintah Provinsi {regions().provinces[province_code].name}"
    return Agency(agency_id, name, "province", NATIONAL_AGENCY_ID, (NATIONAL_AGENCY_ID, agency_id),
                  province_code=province_code)


def regency_coordinator(regency_code: str) -> Agency:
    regency = regions().regencies[regency_code]
    province = province_coordinator(regency.province_code)
    agency_id = regency_coordinator_id(regency_code)
    name = f"Pemerintah {regency.name}"
    return Agency(agency_id, name, "regency", province.agency_id, (*province.path, agency_id),
                  province_code=regency.province_code, regency_code=regency_code)


def region_queue(regency_code: str) -> Target:
    """Where a report waits for verification: its regency/city coordinator."""
    return regency_coordinator(regency_code).target()

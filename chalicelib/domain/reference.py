"""Reference data: regions (Kemendagri codes, ODbL, see data/wilayah), categories, time zones.

Loaded from the files shipped inside the package, once, on first use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "wilayah"

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

# Province code -> time zone (SPEC §2). Everything not listed is WIB.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}

# Indonesia's bounding box (with a small margin around the outermost islands).
LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5


@dataclass(frozen=True)
class Category:
    code: str
    label_id: str
    label_en: str


CATEGORIES: tuple[Category, ...] = (
    Category("infrastructure", "Infrastruktur", "Infrastructure"),
    Category("health", "Kesehatan", "Health"),
    Category("education", "Pendidikan", "Education"),
    Category("population_admin", "Administrasi Kependudukan", "Population administration"),
    Category("social_aid", "Bantuan Sosial", "Social assistance"),
    Category("environment", "Lingkungan Hidup", "Environment"),
    Category("licensing", "Perizinan", "Licensing"),
    Category("transport", "Transportasi", "Transport"),
    Category("public_order", "Ketenteraman dan Ketertiban Umum", "Public order"),
    Category("corruption", "Korupsi dan Pungutan Liar", "Corruption and illegal levies"),
    Category("other", "Lainnya", "Other"),
)
CATEGORY_CODES = frozenset(c.code for c in CATEGORIES)

KINDS = {
    "complaint": ("Pengaduan", "Complaint"),
    "aspiration": ("Aspirasi", "Aspiration"),
    "information_request": ("Permintaan Informasi", "Information request"),
}


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Regency:
    code: str
    province_code: str
    name: str


@dataclass(frozen=True)
class Regions:
    provinces: dict[str, Province]
    regencies: dict[str, Regency]

    def regencies_of(self, province_code: str) -> list[Regency]:
        return [r for r in self.regencies.values() if r.province_code == province_code]


def time_zone_of(province_code: str) -> str:
    if province_code in _WITA_PROVINCES:
        return WITA
    if province_code in _WIT_PROVINCES:
        return WIT
    return WIB


def zone_of(province_code: str) -> ZoneInfo:
    return ZoneInfo(time_zone_of(province_code))


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def regions() -> Regions:
    provinces = {
        row["code"]: Province(row["code"], row["name"], time_zone_of(row["code"]))
        for row in _read("provinces.csv")
    }
    regencies = {
        row["code"]: Regency(row["code"], row["province_code"], row["name"])
        for row in _read("regencies.csv")
    }
    return Regions(provinces, regencies)

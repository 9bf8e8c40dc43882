"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), as pure data and formatting.

Our categories are the services; a report is a service request. Field names, the open/closed
status, W3C date-times with their offset and the error list follow the specification; our detailed
status goes in ``status_notes``. The XML is what the specification's examples show, schemaless and
without a namespace; the JSON maps it by the Spark convention (lists for repeated elements).

What the public sees holds here too: no reporter identity ever, and no street address:
``address`` names the regency and province, ``address_id`` is the regency's Kemendagri code. The
point is given rounded to 3 decimals (about 100 m, SPEC §12) and ``media_url`` as the client sent
it, both only when the report is not confidential (which also hides its description).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import Complaint, Status, status_label
from chalicelib.domain.reference import CATEGORIES, KINDS, regions, zone_of

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-02-01T00:00:00+07:00"  # bump when the services or their definitions change
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url")
# Containers whose children repeat, and the name of each child (the XML shape).
_CHILDREN = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
             "formats": "format", "attributes": "attribute", "values": "value"}
_CATEGORY = {c.code: c for c in CATEGORIES}


@dataclass
class Open311Error(Exception):
    """An error answered in the specification's shape: HTTP 400 / 403 / 404, one or more messages."""

    status: int
    descriptions: tuple[str, ...]

    @classmethod
    def of(cls, status: int, *descriptions: str) -> Open311Error:
        return cls(status, tuple(descriptions))

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def w3c(moment: datetime | None, province_code: str) -> str | None:
    """A W3C date-time with the offset of the report's region, to the second."""
    if moment is None:
        return None
    return moment.astimezone(zone_of(province_code)).isoformat(timespec="seconds")


def service(code: str) -> dict[str, Any]:
    category = _CATEGORY[code]
    return {"service_code": category.code, "service_name": category.label_id,
            "description": f"Pengaduan, aspirasi atau permintaan informasi: {category.label_id} "
                           f"({category.label_en}).",
            "metadata": True, "type": "realtime",
            "keywords": f"{category.label_id.lower()}, {category.label_en.lower()}, lapor, pengaduan",
            "group": "SP4N-LAPOR!"}


def services() -> list[dict[str, Any]]:
    return [service(c.code) for c in CATEGORIES]


def _choice(code: str, order: int, description: str, values: list[tuple[str, str]],
            required: bool = False) -> dict[str, Any]:
    return {"variable": True, "code": code, "datatype": "singlevaluelist", "required": required,
            "datatype_description": None, "order": order, "description": description,
            "values": [{"key": key, "name": name} for key, name in values]}


def _field(code: str, order: int, datatype: str, description: str, hint: str | None = None,
           required: bool = False) -> dict[str, Any]:
    return {"variable": True, "code": code, "datatype": datatype, "required": required,
            "datatype_description": hint, "order": order, "description": description}


def service_definition(code: str) -> dict[str, Any]:
    """Our fields beyond the specification's, as attributes (``attribute[<code>]=<value>``)."""
    yes_no = [("false", "Tidak / No"), ("true", "Ya / Yes")]
    return {"service_code": code, "attributes": [
        _field("regency_code", 1, "string",
               "Kabupaten/kota tempat masalah (kode Kemendagri). Regency or city of the problem; may be sent "
               "as address_id instead.", "a code from GET /regions/{province}, e.g. 73.71", required=True),
        _field("province_code", 2, "string", "Provinsi (kode Kemendagri); follows from the regency when left out.",
               "e.g. 73"),
        _choice("kind", 3, "Jenis laporan / kind of report (default: complaint)",
                [(k, f"{ids} / {en}") for k, (ids, en) in KINDS.items()]),
        _field("title", 4, "string", "Judul / title, 5–150 characters (default: the description's start)"),
        _field("incident_date", 5, "datetime", "Tanggal kejadian / when it happened; the day is kept",
               "a W3C date-time such as 2026-02-01T08:30:00+07:00, or a date YYYY-MM-DD"),
        _choice("anonymous", 6, "Rahasiakan identitas pelapor / hide the reporter's identity "
                                "(default: true when no name is given)", yes_no),
        _choice("confidential", 7, "Laporan rahasia: isi tidak ditampilkan ke publik / confidential report",
                yes_no),
    ]}


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def _address(c: Complaint) -> str:
    places = regions()
    regency = places.regencies.get(c.regency_code)
    province = places.provinces.get(c.province_code)
    return ", ".join(p.name for p in (regency, province) if p is not None)


def _updated(c: Complaint) -> datetime:
    """For a closed request, when it was closed (SPEC of GeoReport: ``updated_datetime``)."""
    if c.status == Status.RESOLVED and c.resolved_at:
        return c.resolved_at
    if c.status in CLOSED_STATUSES and c.closed_at:
        return c.closed_at
    return c.updated_at


def _notice(c: Complaint) -> str | None:
    for clock, text in (("verification", "Verifikasi dan disposisi paling lambat"),
                        ("first_response", "Tanggapan pertama instansi paling lambat"),
                        ("resolution", "Penyelesaian paling lambat"),
                        ("reporter_reply", "Menunggu tanggapan pelapor sampai")):
        due = c.deadlines.get(clock)
        if due is not None:
            return f"{text} {w3c(due, c.province_code)}"
    return None


COORDINATE_DECIMALS = 3


def _description(c: Complaint) -> str | None:
    """Title and description; only the description when the title is its start (a report filed
    without ``attribute[title]`` took its title from there)."""
    if c.confidential:
        return None
    if c.description.startswith(c.title.removesuffix("…")):
        return c.description[:4000]
    return f"{c.title}\n\n{c.description}"[:4000]


def _rounded(value: float | None, c: Complaint) -> float | None:
    if value is None or c.confidential:
        return None
    return round(value, COORDINATE_DECIMALS)


def service_request(c: Complaint) -> dict[str, Any]:
    """One report as a GeoReport service request, with what the public may see only."""
    description = _description(c)
    label = status_label(c.status)
    notes = f"{label} ({c.status})"
    if c.ombudsman_eligible and c.status in OPEN_STATUSES:
        notes += "; dapat dilaporkan ke Ombudsman"
    return {
        "service_request_id": c.tracking_id,
        "status": open311_status(c.status),
        "status_notes": notes,
        "service_name": _CATEGORY[c.category].label_id if c.category in _CATEGORY else c.category,
        "service_code": c.category,
        "description": description,
        "agency_responsible": c.agency_name or c.agency_id,
        "service_notice": _notice(c),
        "requested_datetime": w3c(c.submitted_at, c.province_code),
        "updated_datetime": w3c(_updated(c), c.province_code),
        "expected_datetime": w3c(c.deadlines.get("resolution"), c.province_code),
        "address": _address(c),
        "address_id": c.regency_code,
        "zipcode": None,
        "lat": _rounded(c.latitude, c),
        "long": _rounded(c.longitude, c),
        "media_url": None if c.confidential else c.media_url,
    }


def discovery(endpoint_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "SP4N-LAPOR! — KemenPANRB. Pertanyaan API: hubungi admin nasional LAPOR!.",
        "key_service": "An api_key (role open311) is issued by the national admin through /admin/keys.",
        "endpoints": [{"specification": SPECIFICATION, "url": endpoint_url, "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }


# --- the two formats --------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all (even escaped): dropped, so one report's stray control
# character never makes a whole listing unreadable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            _fill(ET.SubElement(element, name), inner)
    elif isinstance(value, list):
        child = _CHILDREN[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, child), inner)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> str:
    element = ET.Element(root)
    _fill(element, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def render(fmt: str, root: str, value: Any) -> str:
    """``root`` is the XML root element (``services``, ``service_requests``, ``errors``, …)."""
    if fmt == "xml":
        return to_xml(root, value)
    return json.dumps(value, ensure_ascii=False)

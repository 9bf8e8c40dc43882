"""Small builders for test data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.agencies import region_queue
from chalicelib.domain.complaint import Complaint


def valid_report(**overrides: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "kind": "complaint",
        "title": "Jalan berlubang di Jl. Perintis",
        "description": "Jalan berlubang besar di depan kampus sejak dua bulan lalu, membahayakan pengendara.",
        "category": "infrastructure",
        "province_code": "73",
        "regency_code": "73.71",
        "reporter": {"name": "Siti Rahma", "email": "siti@example.com", "phone": "0812-3456-7890"},
    }
    report.update(overrides)
    return report


def complaint(**overrides: Any) -> Complaint:
    regency_code = overrides.pop("regency_code", "73.71")
    queue = region_queue(regency_code)
    now = overrides.pop("now", datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    values: dict[str, Any] = {
        "tracking_id": "LPR-TEST-0001", "kind": "complaint", "title": "Jalan rusak",
        "description": "Deskripsi yang cukup panjang untuk laporan.", "category": "infrastructure",
        "province_code": regency_code.split(".")[0], "regency_code": regency_code, "reporter_token_hash": "x",
        "submitted_at": now, "updated_at": now, "agency_id": queue.agency_id, "agency_path": queue.path,
        "reporter_name": "Siti", "reporter_email": "siti@example.com",
    }
    values.update(overrides)
    return Complaint(**values)

"""Helpers for tests of the staff side: keys, filing, acting, pumping the streams."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import valid_report
from tests.fixtures import body

MAKASSAR = "pemkot-makassar"
SULSEL = "pemprov-sulawesi-selatan"
BANDUNG = "pemkot-bandung"
JABAR = "pemprov-jawa-barat"
DINKES_MKS = "dinas-kesehatan-kota-makassar"
DINKES_BDG = "dinas-kesehatan-kota-bandung"
PUPR_MKS = "dinas-pupr-kota-makassar"
DIKNAS_MKS = "dinas-pendidikan-kota-makassar"


class Staff:
    """Keys for the demo staff, issued once per test module (each module has fresh tables)."""

    def __init__(self) -> None:
        from chalicelib.services import keys

        self._keys = keys
        self.cache: dict[tuple[str, str], str] = {}

    def key(self, role: str, agency_id: str) -> str:
        if (role, agency_id) not in self.cache:
            self.cache[(role, agency_id)] = self._keys.issue(role, agency_id, label="test")["key"]
        return self.cache[(role, agency_id)]

    def headers(self, role: str, agency_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key(role, agency_id)}", "Content-Type": "application/json"}

    def national(self) -> dict[str, str]:
        return self.headers("national_admin", "kemenpanrb")


@pytest.fixture(scope="module")
def staff(tables) -> Staff:
    """Keys for the demo staff, issued as each test module first needs them (its tables are fresh)."""
    return Staff()


@pytest.fixture(scope="module")
def pump(tables):
    """The stream-fed functions, reading the module's fresh streams from their start."""
    from devtools.workers import Pump

    return Pump()


def file_report(client, **overrides: Any) -> dict[str, Any]:
    response = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                body=json.dumps(valid_report(**overrides)))
    assert response.status_code == 201, response.body
    return body(response)


def act(client, headers: dict[str, str], tracking_id: str, action: str, **fields: Any):
    return client.http.post(f"/agency/complaints/{tracking_id}/actions", headers=headers,
                            body=json.dumps({"action": action, **fields}))


def staff_view(client, headers: dict[str, str], tracking_id: str) -> dict[str, Any]:
    response = client.http.get(f"/agency/complaints/{tracking_id}", headers=headers)
    assert response.status_code == 200, response.body
    return body(response)

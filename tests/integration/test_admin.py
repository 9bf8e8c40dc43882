"""National admin: the agency directory, routing rules and keys, with clear errors for bad input."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import body
from tests.staff import MAKASSAR, file_report, staff_view


def post(client, headers, path, payload):
    return client.http.post(path, headers=headers, body=json.dumps(payload))


def test_a_new_unit_can_be_added_routed_to_and_acts(client, staff, pump):
    # Given a new OPD unit under Kota Makassar and a routing rule for social aid to it
    unit = {"agency_id": "dinas-sosial-kota-makassar", "name": "Dinas Sosial Kota Makassar", "level": "unit",
            "parent_id": MAKASSAR, "emails": ["dinsos@makassar.example.go.id"]}
    created = post(client, staff.national(), "/admin/agencies", unit)
    assert created.status_code == 201
    assert body(created)["province_code"] == "73" and body(created)["regency_code"] == "73.71"
    assert post(client, staff.national(), "/admin/routing-rules", {
        "region_code": "73.71", "category": "social_aid", "agency_id": unit["agency_id"]}).status_code == 201
    # When a social-aid report comes in from Makassar
    receipt = file_report(client, category="social_aid")
    pump.drain()
    # Then it is forwarded to the new unit, and a key issued for it works in its scope
    key = body(post(client, staff.national(), "/admin/keys", {"role": "officer", "agency_id": unit["agency_id"],
                                                              "label": "Pak Andi"}))
    headers = {"Authorization": f"Bearer {key['key']}", "Content-Type": "application/json"}
    assert staff_view(client, headers, receipt["tracking_id"])["agency_id"] == unit["agency_id"]
    # And the directory lists it
    listed = body(client.http.get("/agencies?regency_code=73.71&level=unit"))["agencies"]
    assert unit["agency_id"] in [a["agency_id"] for a in listed]
    # cleanup the rule so other tests keep the default routing
    assert client.http.delete("/admin/routing-rules/73.71/social_aid", headers=staff.national()).status_code == 200


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"agency_id": "Bad Slug!", "name": "X Y Z", "level": "unit", "parent_id": MAKASSAR}, 422, "agency_id"),
    ({"agency_id": "dinas-x", "name": "Dinas X", "level": "planet", "parent_id": MAKASSAR}, 422, "level"),
    ({"agency_id": "dinas-x", "name": "Dinas X", "level": "unit", "parent_id": "nobody"}, 422, "parent_id"),
    ({"agency_id": "dinas-x", "name": "Dinas X", "level": "regency", "parent_id": MAKASSAR}, 422, "parent_id"),
    ({"agency_id": "dinas-x", "name": "Dinas X", "level": "unit", "parent_id": MAKASSAR,
      "emails": ["not-mail"]}, 422, "emails"),
    ({"agency_id": "dinas-x", "name": "Dinas X", "level": "unit", "parent_id": MAKASSAR,
      "webhook_url": "ftp://x"}, 422, "webhook_url"),
    ({"agency_id": MAKASSAR, "name": "Dup", "level": "unit", "parent_id": MAKASSAR}, 409, None),
])
def test_bad_agencies_are_refused(client, staff, payload, status, field):
    response = post(client, staff.national(), "/admin/agencies", payload)
    assert response.status_code == status
    if field:
        assert field in body(response)["error"]["fields"]


def test_the_hierarchy_of_an_agency_cannot_be_changed(client, staff):
    response = client.http.put(f"/admin/agencies/{MAKASSAR}", headers=staff.national(),
                                body=json.dumps({"parent_id": "kemenpanrb"}))
    assert response.status_code == 422 and "parent_id" in body(response)["error"]["fields"]
    assert client.http.put("/admin/agencies/nobody", headers=staff.national(),
                           body=json.dumps({"name": "Nama Baru"})).status_code == 404


@pytest.mark.parametrize(("payload", "field"), [
    ({"region_code": "99.99", "category": "health", "agency_id": MAKASSAR}, "region_code"),
    ({"region_code": "73.71", "category": "weather", "agency_id": MAKASSAR}, "category"),
    ({"region_code": "73.71", "category": "health", "agency_id": "nobody"}, "agency_id"),
])
def test_bad_routing_rules_are_refused(client, staff, payload, field):
    response = post(client, staff.national(), "/admin/routing-rules", payload)
    assert response.status_code == 422 and field in body(response)["error"]["fields"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"role": "emperor", "agency_id": MAKASSAR}, "role"),
    ({"role": "officer", "agency_id": "nobody"}, "agency_id"),
    ({"role": "national_admin", "agency_id": MAKASSAR}, "agency_id"),
])
def test_bad_key_requests_are_refused(client, staff, payload, field):
    response = post(client, staff.national(), "/admin/keys", payload)
    assert response.status_code == 422 and field in body(response)["error"]["fields"]

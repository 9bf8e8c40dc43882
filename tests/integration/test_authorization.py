"""The authorization matrix: every staff endpoint × every role × in scope / out of scope / no key /
revoked key / malformed key, with an API key and again with a signed-in account's session cookie
(SPEC §10: both give the same role and scope). No response ever carries another scope's data."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import body
from tests.staff import BANDUNG, DINKES_BDG, DINKES_MKS, JABAR, MAKASSAR, SULSEL, file_report

ROLES = {
    "national": ("national_admin", "kemenpanrb"),
    "sulsel": ("coordinator", SULSEL),
    "makassar": ("coordinator", MAKASSAR),
    "dinkes_mks": ("officer", DINKES_MKS),
    "jabar": ("coordinator", JABAR),
    "bandung": ("coordinator", BANDUNG),
    "dinkes_bdg": ("officer", DINKES_BDG),
}
# Who may see a report held by Dinas Kesehatan Kota Makassar
IN_SCOPE = {"national", "sulsel", "makassar", "dinkes_mks"}


@pytest.fixture(params=["key", "cookie"])
def credentials(request, staff, accounts):
    """The headers of a staff member by API key, or by a signed-in account's cookie (+ CSRF token)."""
    if request.param == "key":
        return staff.headers
    return accounts.headers


@pytest.fixture(scope="module")
def report(client_module, pump):
    receipt = file_report(client_module, category="health", anonymous=True,
                          reporter={"email": "anon@example.com"})
    pump.drain()
    return receipt


@pytest.fixture(scope="module")
def client_module(tables):
    from chalice.test import Client

    from app import app
    from tests.fixtures import ROOT

    with Client(app, project_dir=str(ROOT), stage_name="local") as test_client:
        yield test_client


def endpoints(tid: str) -> list[tuple[str, str, str | None]]:
    return [
        ("GET", f"/agency/complaints/{tid}", None),
        ("POST", f"/agency/complaints/{tid}/actions", json.dumps({"action": "respond", "note": "dicek"})),
    ]


def call(client, method, path, payload, headers):
    if method == "GET":
        return client.http.get(path, headers=headers)
    return client.http.post(path, headers={**headers, "Content-Type": "application/json"}, body=payload)


@pytest.mark.parametrize("who", sorted(ROLES))
def test_report_endpoints_by_role_and_scope(client_module, credentials, report, who):
    tid = report["tracking_id"]
    headers = credentials(*ROLES[who])
    for method, path, payload in endpoints(tid):
        response = call(client_module, method, path, payload, headers)
        text = response.body.decode()
        if who in IN_SCOPE:
            assert response.status_code == 200, (who, path, text)
            assert "anon@example.com" not in text  # an anonymous reporter stays hidden from staff
        else:
            assert response.status_code == 403, (who, path, text)
            assert body(response)["error"]["code"] == "forbidden"
            assert tid not in text and "Jalan" not in text  # nothing of the report leaks


@pytest.mark.parametrize("who", sorted(ROLES))
def test_inbox_shows_only_the_callers_scope(client_module, staff, credentials, report, who):
    response = client_module.http.get("/agency/complaints?limit=100", headers=credentials(*ROLES[who]))
    assert response.status_code == 200
    items = body(response)["complaints"]
    role, agency = ROLES[who]
    for item in items:
        if role == "officer":
            assert item["agency_id"] == agency
        elif role == "coordinator":
            assert agency in staff_path_of(client_module, staff, item["tracking_id"])
    seen = {item["tracking_id"] for item in items}
    if who in {"jabar", "bandung", "dinkes_bdg"}:
        assert report["tracking_id"] not in seen


def staff_path_of(client, staff, tid):
    view = body(client.http.get(f"/agency/complaints/{tid}", headers=staff.national()))
    return view["agency_path"]


ADMIN_ENDPOINTS = [
    ("GET", "/admin/keys?agency_id=kemenpanrb", None),
    ("POST", "/admin/keys", json.dumps({"role": "officer", "agency_id": DINKES_MKS})),
    ("GET", "/admin/routing-rules?region_code=73.71", None),
    ("POST", "/admin/routing-rules", json.dumps({"region_code": "73.71", "category": "health",
                                                 "agency_id": DINKES_MKS})),
    ("GET", "/admin/agencies/kemenpanrb", None),
    ("PUT", f"/admin/agencies/{DINKES_MKS}", json.dumps({"emails": ["dinkes@makassar.example.go.id"]})),
]


@pytest.mark.parametrize("who", sorted(ROLES))
def test_admin_endpoints_are_for_the_national_admin_only(client_module, credentials, who):
    headers = credentials(*ROLES[who])
    for method, path, payload in ADMIN_ENDPOINTS:
        if method == "PUT":
            response = client_module.http.put(path, headers={**headers, "Content-Type": "application/json"},
                                              body=payload)
        else:
            response = call(client_module, method, path, payload, headers)
        expected = {200, 201} if who == "national" else {403}
        assert response.status_code in expected, (who, method, path, response.body)


def all_staff_paths(tid):
    return [("GET", "/agency/complaints", None), *endpoints(tid), *ADMIN_ENDPOINTS]


@pytest.mark.parametrize("auth", ["Bearer lpr_deadbeef_" + "x" * 40, "Bearer nonsense", "Basic abc:def",
                                  "Bearer "])
def test_unknown_or_malformed_keys_are_401_everywhere(client_module, report, auth):
    for method, path, payload in all_staff_paths(report["tracking_id"]):
        if method == "PUT":
            response = client_module.http.put(path, headers={"Authorization": auth}, body=payload or "")
        else:
            response = call(client_module, method, path, payload, {"Authorization": auth})
        assert response.status_code == 401, (auth, path)
        assert body(response)["error"]["code"] == "unauthorized"


def test_no_key_is_401_everywhere(client_module, report):
    for method, path, payload in all_staff_paths(report["tracking_id"]):
        if method == "PUT":
            response = client_module.http.put(path, headers={}, body=payload or "")
        else:
            response = call(client_module, method, path, payload, {})
        assert response.status_code == 401, path


def test_a_revoked_key_stops_working_at_once(client_module, staff, report):
    issued = body(client_module.http.post("/admin/keys", headers=staff.national(),
                                          body=json.dumps({"role": "officer", "agency_id": DINKES_MKS})))
    headers = {"Authorization": f"Bearer {issued['key']}"}
    path = f"/agency/complaints/{report['tracking_id']}"
    assert client_module.http.get(path, headers=headers).status_code == 200
    revoked = client_module.http.delete(f"/admin/keys/{issued['key_id']}", headers=staff.national())
    assert revoked.status_code == 200 and body(revoked)["revoked_at"]
    for method, p, payload in all_staff_paths(report["tracking_id"]):
        response = (client_module.http.put(p, headers=headers, body=payload or "") if method == "PUT"
                    else call(client_module, method, p, payload, headers))
        assert response.status_code == 401, p
    listed = body(client_module.http.get(f"/admin/keys?agency_id={DINKES_MKS}", headers=staff.national()))
    assert issued["key"] not in json.dumps(listed)  # keys are shown once, never listed


def test_an_open311_key_cannot_use_staff_endpoints(client_module, staff, report):
    headers = staff.headers("open311", DINKES_MKS)
    assert client_module.http.get("/agency/complaints", headers=headers).status_code == 403


def test_a_cookie_without_its_csrf_token_changes_nothing_anywhere(client_module, accounts, report):
    from tests.accounts import cookie_headers

    session = accounts.session("national_admin", "kemenpanrb")
    tid = report["tracking_id"]
    before = body(client_module.http.get(f"/agency/complaints/{tid}", headers=cookie_headers(session)))
    for token in (None, "", session.csrf_token[:-1] + "x", accounts.session("national_admin", "kemenpanrb").csrf_token):
        headers = cookie_headers(session, csrf=False)
        if token is not None:
            headers["X-CSRF-Token"] = token
        for method, path, payload in all_staff_paths(tid):
            if method == "GET":
                continue
            if method == "PUT":
                response = client_module.http.put(path, headers=headers, body=payload or "")
            else:
                response = call(client_module, method, path, payload, headers)
            assert response.status_code == 403, (token, path, response.body)
            assert body(response)["error"]["code"] == "csrf_failed"
    after = body(client_module.http.get(f"/agency/complaints/{tid}", headers=cookie_headers(session)))
    assert after["status"] == before["status"] and after["version"] == before["version"]
    assert len(after["timeline"]) == len(before["timeline"])


@pytest.mark.parametrize("cookie", ["__Host-lapor-staff=" + "A" * 43, "__Host-lapor-staff=", "lapor-staff=x",
                                    "__Host-lapor-staff=" + "é" * 10])
def test_forged_or_empty_cookies_are_401_everywhere(client_module, report, cookie):
    for method, path, payload in all_staff_paths(report["tracking_id"]):
        headers = {"Cookie": cookie, "X-CSRF-Token": "A" * 43}
        if method == "PUT":
            response = client_module.http.put(path, headers=headers, body=payload or "")
        else:
            response = call(client_module, method, path, payload, headers)
        assert response.status_code == 401, (cookie, path)
        assert body(response)["error"]["code"] == "unauthorized"

"""One mapping per surface, under a throttled DynamoDB: the JSON API, the citizen's web pages and
Open311 each answer 429 with Retry-After in their own shape, never 400 and never 500.

The throttling is injected where botocore makes its calls, so every DynamoDB client of the process
(PynamoDB's, the idempotency store's, the limiter's) meets it, and nothing of the request reaches the
table: the same request later succeeds.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import botocore.client
import pytest
from botocore.exceptions import ClientError

from tests.factories import valid_report
from tests.fixtures import body
from tests.staff import DINKES_MKS, file_report


@pytest.fixture
def throttle(monkeypatch):
    """``throttle()``: from then on, every DynamoDB call fails as a throttled table answers."""
    original = botocore.client.BaseClient._make_api_call

    def throttled(client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate of requests exceeds the "
                                         "allowed throughput."}, "ResponseMetadata": {"HTTPStatusCode": 400}},
                              operation)
        return original(client, operation, params)

    return lambda: monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", throttled)


@pytest.fixture
def report(client):
    return file_report(client, category="health")


def _retry_after(response) -> int:
    assert response.status_code == 429, (response.status_code, response.body[:300])
    return int(response.headers["Retry-After"])


JSON_REQUESTS = {
    "status view": ("GET", "/complaints/{tid}", None, {}),
    "filing": ("POST", "/complaints", json.dumps(valid_report()), {"Content-Type": "application/json"}),
    "staff inbox": ("GET", "/agency/complaints", None, "staff"),
    "staff action": ("POST", "/agency/complaints/{tid}/actions", json.dumps({"action": "respond", "note": "dicek"}),
                     "staff"),
    "reporter reply": ("POST", "/complaints/{tid}/replies", json.dumps({"message": "tambahan"}), "reporter"),
}


@pytest.mark.parametrize("name", JSON_REQUESTS)
def test_the_json_api_answers_a_throttled_table_with_429_and_retry_after(client, staff, report, throttle, name):
    method, path, payload, headers = JSON_REQUESTS[name]
    if headers == "staff":
        headers = staff.national()
    elif headers == "reporter":
        headers = {"X-Reporter-Token": report["reporter_token"], "Content-Type": "application/json"}
    # Given DynamoDB throttling every call
    throttle()
    # When the request comes
    response = client.http.request(method, path.format(tid=report["tracking_id"]), headers=headers,
                                   body=payload or b"")
    # Then: 429, Retry-After, and the SPEC §7 error shape saying it is temporary
    assert _retry_after(response) >= 1
    assert body(response)["error"]["code"] == "temporarily_unavailable"


PAGE_REQUESTS = {
    "tracking page": ("GET", "/track?tracking_id={tid}", None),
    "tracking form": ("POST", "/track", "form"),
    "filing form": ("POST", "/complaints", "filing"),
    "statistics page": ("GET", "/statistik", None),
}


@pytest.mark.parametrize("name", PAGE_REQUESTS)
def test_the_web_pages_say_busy_in_words_with_429(client, report, throttle, name):
    method, path, form = PAGE_REQUESTS[name]
    payload = b""
    if form == "form":
        payload = urlencode({"tracking_id": report["tracking_id"], "reporter_token": report["reporter_token"],
                             "action": "view"})
    elif form == "filing":
        payload = urlencode({"kind": "complaint", "title": "Jalan berlubang di Jl. Perintis", "category": "health",
                             "description": "Jalan berlubang besar di depan kampus sejak dua bulan lalu.",
                             "province_code": "73", "regency_code": "73.71", "reporter_name": "Siti",
                             "idempotency_key": "form-key-throttled-0001"})
    headers = {"Accept": "text/html", "Content-Type": "application/x-www-form-urlencoded"} if payload else {}
    throttle()
    response = client.http.request(method, path.format(tid=report["tracking_id"]), headers=headers, body=payload)
    assert _retry_after(response) >= 1
    # A page, in Bahasa Indonesia, saying so in plain words: never JSON
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Server sedang sibuk. Coba lagi sebentar lagi." in response.body.decode()


def test_the_console_says_busy_in_words_with_429(client, accounts, throttle):
    # Given a signed-in coordinator; When the store throttles their inbox page
    headers = accounts.headers("coordinator", "pemkot-makassar")
    throttle()
    response = client.http.get("/staff", headers=headers)
    # Then a console page (not JSON, not the sign-in page) with 429 and Retry-After
    assert _retry_after(response) >= 1
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Sedang sibuk" in response.body.decode()


def _georeport_error(response, fmt: str) -> int:
    if fmt == "json":
        [error] = json.loads(response.body)
        return error["code"]
    root = ElementTree.fromstring(response.body)
    assert root.tag == "errors"
    return int(root.findtext("error/code"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("name", ["list", "one", "post"])
def test_open311_answers_a_throttled_table_with_429_not_400(client, staff, report, throttle, name, fmt):
    key = staff.key("open311", DINKES_MKS)
    throttle()
    if name == "list":
        response = client.http.get(f"/open311/v2/requests.{fmt}")
    elif name == "one":
        response = client.http.get(f"/open311/v2/requests/{report['tracking_id']}.{fmt}")
    else:
        response = client.http.post(f"/open311/v2/requests.{fmt}",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                                    body=urlencode({"api_key": key, "service_code": "health", "address_id": "73.71",
                                                    "description": "Puskesmas tutup pada jam pelayanan.",
                                                    "first_name": "Andi"}))
    # Then GeoReport's error list, with 429 and Retry-After: a client knows a retry can work
    assert _retry_after(response) >= 1
    assert _georeport_error(response, fmt) == 429


def test_after_the_throttling_the_same_requests_work(client, report):
    # Nothing above reached the table: the report is as filed, and it can be read
    view = body(client.http.get(f"/complaints/{report['tracking_id']}"))
    assert view["status"] in {"submitted", "forwarded"}

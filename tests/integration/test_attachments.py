"""Attachments (SPEC §3, §7 ``POST /attachments``): presigned S3 uploads with their limits, the
check at filing, and who gets download links. On the Chalice test client against the moto server."""

from __future__ import annotations

import base64
import json
import re

import pytest
import requests

from tests.factories import valid_report
from tests.fixtures import body
from tests.staff import file_report


def ask_upload(client, **fields):
    data = {"filename": "jalan.jpg", "content_type": "image/jpeg", "size": 2048, **fields}
    return client.http.post("/attachments", headers={"Content-Type": "application/json"}, body=json.dumps(data))


def upload(client, content: bytes = b"\xff\xd8\xff fake jpeg", **fields) -> str:
    grant = body(ask_upload(client, size=len(content), **fields))
    sent = requests.post(grant["upload"]["url"], data=grant["upload"]["fields"],
                         files={"file": ("jalan.jpg", content, grant["content_type"])}, timeout=10)
    assert sent.status_code in (201, 204), sent.text
    return grant["upload_id"]


def test_an_upload_is_granted_for_an_allowed_file(client):
    response = ask_upload(client)
    grant = body(response)
    assert response.status_code == 201
    assert re.fullmatch(r"upl_[A-Za-z0-9]{8,40}", grant["upload_id"])
    assert grant["upload"]["url"].startswith("http") and grant["upload"]["fields"]["Content-Type"] == "image/jpeg"
    policy = json.loads(base64.b64decode(grant["upload"]["fields"]["policy"]))
    assert ["content-length-range", 1, 10 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"content_type": "application/x-msdownload", "filename": "virus.exe"}, "content_type"),
    ({"content_type": "image/gif"}, "content_type"),
    ({"size": 10 * 1024 * 1024 + 1}, "size"),
    ({"size": 0}, "size"),
    ({"filename": ""}, "filename"),
])
def test_an_upload_outside_the_limits_is_refused_with_its_field(client, fields, field):
    response = ask_upload(client, **fields)
    assert response.status_code == 422
    assert field in body(response)["error"]["fields"]


def test_filing_with_an_unknown_upload_id_is_a_field_error(client):
    response = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                body=json.dumps(valid_report(attachments=["upl_doesnotexist123"])))
    assert response.status_code == 422
    fields = body(response)["error"]["fields"]
    assert fields == {"attachments": "unknown upload id: upload with POST /attachments first"}


def test_a_stored_file_of_the_wrong_type_is_refused_at_filing(client):
    from chalicelib.adapters import attachments as s3
    from chalicelib.config import get_settings

    s3._s3().put_object(Bucket=get_settings().attachments_bucket, Key=s3.key_of("upl_plaintext0001"),
                        Body=b"hello", ContentType="text/plain")
    response = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                body=json.dumps(valid_report(attachments=["upl_plaintext0001"])))
    assert response.status_code == 422 and "attachments" in body(response)["error"]["fields"]


def test_the_reporter_gets_download_links_and_the_public_only_when_not_confidential(client):
    # Given two reports with a photo each, one of them confidential
    content = b"\xff\xd8\xff a photo of the road"
    open_report = file_report(client, attachments=[upload(client, content)])
    secret = file_report(client, attachments=[upload(client, content)], confidential=True)
    # Then the reporter gets a working, short-lived link
    mine = body(client.http.get(f"/complaints/{secret['tracking_id']}",
                                headers={"X-Reporter-Token": secret["reporter_token"]}))
    [link] = mine["attachment_links"]
    assert link["expires_in"] <= 15 * 60
    assert requests.get(link["url"], timeout=10).content == content
    # And the public sees the photo of the open report, never that of the confidential one
    public_secret = body(client.http.get(f"/complaints/{secret['tracking_id']}"))
    assert public_secret["attachment_links"] == [] and "attachments" not in public_secret
    assert len(body(client.http.get(f"/complaints/{open_report['tracking_id']}"))["attachment_links"]) == 1
    page = client.http.get(f"/track?tracking_id={secret['tracking_id']}").body.decode()
    assert "Lampiran 1" not in page and link["url"] not in page


def test_staff_of_the_holding_agency_get_short_lived_links_to_a_confidential_reports_files(client, staff, pump):
    from tests.staff import DINKES_MKS, file_report, staff_view

    upload_id = upload(client)
    receipt = file_report(client, category="health", confidential=True, attachments=[upload_id])
    pump.drain()
    view = staff_view(client, staff.headers("officer", DINKES_MKS), receipt["tracking_id"])
    assert [link["upload_id"] for link in view["attachment_links"]] == [upload_id]
    public = body(client.http.get(f"/complaints/{receipt['tracking_id']}"))
    assert public["attachment_links"] == []

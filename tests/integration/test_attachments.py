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


def upload(client, content: bytes = b"\xff\xd8\xff\xe0 fake jpeg", **fields) -> dict[str, str]:
    """Upload as a browser does; the reference a report names: ``{"upload_id", "upload_token"}``."""
    grant = body(ask_upload(client, size=len(content), **fields))
    sent = requests.post(grant["upload"]["url"], data=grant["upload"]["fields"],
                         files={"file": ("jalan.jpg", content, grant["content_type"])}, timeout=10)
    assert sent.status_code in (201, 204), sent.text
    return {"upload_id": grant["upload_id"], "upload_token": grant["upload_token"]}


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
                                body=json.dumps(valid_report(attachments=[
                                    {"upload_id": "upl_doesnotexist123", "upload_token": "x" * 32}])))
    assert response.status_code == 422
    fields = body(response)["error"]["fields"]
    assert fields == {"attachments": "unknown upload id: upload with POST /attachments first"}


def test_a_stored_file_of_the_wrong_type_is_refused_at_filing(client):
    from chalicelib.adapters import attachments as s3
    from chalicelib.config import get_settings

    s3._s3().put_object(Bucket=get_settings().attachments_bucket, Key=s3.key_of("upl_plaintext0001"),
                        Body=b"hello", ContentType="text/plain")
    response = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                body=json.dumps(valid_report(attachments=[
                                    {"upload_id": "upl_plaintext0001", "upload_token": "x" * 32}])))
    assert response.status_code == 422 and "attachments" in body(response)["error"]["fields"]


def test_the_reporter_gets_download_links_and_the_public_only_when_not_confidential(client):
    # Given two reports with a photo each, one of them confidential
    content = b"\xff\xd8\xff\xe0 a photo of the road"
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
    upload_id = upload_id["upload_id"]
    pump.drain()
    view = staff_view(client, staff.headers("officer", DINKES_MKS), receipt["tracking_id"])
    assert [link["upload_id"] for link in view["attachment_links"]] == [upload_id]
    public = body(client.http.get(f"/complaints/{receipt['tracking_id']}"))
    assert public["attachment_links"] == []


# --- SPEC §11: bound by a token, one report per upload, content sniffed, downloads as attachments ---

def file_with(client, *uploads, **overrides):
    return client.http.post("/complaints", headers={"Content-Type": "application/json"},
                            body=json.dumps(valid_report(attachments=list(uploads), **overrides)))


def test_an_upload_id_without_its_token_or_with_another_is_refused(client):
    mine = upload(client)
    # Given someone who learned the upload id but not its token
    for reference in (mine["upload_id"], {"upload_id": mine["upload_id"], "upload_token": "t" * 32},
                      {"upload_id": mine["upload_id"], "upload_token": upload(client)["upload_token"]}):
        response = file_with(client, reference)
        # Then filing with it is refused on attachments
        assert response.status_code == 422, response.body
        assert any(name.startswith("attachments") for name in body(response)["error"]["fields"])
    # And with the token, it files
    assert file_with(client, mine).status_code == 201


def test_an_upload_belongs_to_one_report(client, staff):
    # Given a confidential report with a photo
    photo = upload(client, b"\xff\xd8\xff\xe0 the confidential photo")
    secret = body(file_with(client, photo, confidential=True))
    # When the same upload (id and token) is named by a second, public report
    again = file_with(client, photo, title="Laporan publik yang meminjam foto")
    # Then it is refused and the photo stays the first report's only
    assert again.status_code == 422, again.body
    assert body(again)["error"]["fields"]["attachments"] == "this upload is already attached to another report"
    from chalicelib.models import UploadModel

    assert UploadModel.get(photo["upload_id"]).tracking_id == secret["tracking_id"]


@pytest.mark.parametrize(("content", "content_type"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff this program cannot be run in DOS mode", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n a png called a pdf", "application/pdf"),
    (b"<html><script>alert(1)</script></html>", "image/png"),
])
def test_a_file_whose_bytes_are_not_its_type_is_refused(client, content, content_type):
    # Given a renamed .exe (or another file) uploaded as a photo or PDF
    renamed = upload(client, content, content_type=content_type, filename="foto.jpg")
    # Then filing with it is refused: the bytes, not the name, decide
    response = file_with(client, renamed)
    assert response.status_code == 422
    assert body(response)["error"]["fields"]["attachments"] == \
        "the file's content is not a JPEG, PNG or PDF as its type says"


@pytest.mark.parametrize(("content", "content_type"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a png", "image/png"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 a pdf", "application/pdf"),
])
def test_real_pngs_and_pdfs_are_accepted(client, content, content_type):
    assert file_with(client, upload(client, content, content_type=content_type)).status_code == 201


def test_downloads_are_attachments_and_unattached_uploads_expire_after_a_day(client):
    from chalicelib.adapters import attachments as s3
    from chalicelib.config import get_settings

    photo = upload(client)
    receipt = body(file_with(client, photo))
    mine = body(client.http.get(f"/complaints/{receipt['tracking_id']}",
                                headers={"X-Reporter-Token": receipt["reporter_token"]}))
    answer = requests.get(mine["attachment_links"][0]["url"], timeout=10)
    assert answer.headers["Content-Disposition"].startswith("attachment")
    # The bucket deletes what stays under uploads/ after one day; attached files live elsewhere
    rules = s3._s3().get_bucket_lifecycle_configuration(Bucket=get_settings().attachments_bucket)["Rules"]
    expiring = [r for r in rules if r.get("Expiration", {}).get("Days") == 1]
    assert [r["Filter"]["Prefix"] for r in expiring] == ["uploads/"]
    assert s3.attached_key(photo["upload_id"]).startswith("attachments/")


def test_the_packaged_bucket_expires_unattached_uploads(monkeypatch):
    from deploy.template import build

    monkeypatch.delenv("DEV_ROUTES", raising=False)
    bucket = build("prod")["Resources"]["AttachmentsBucket"]["Properties"]
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert {"Id": "expire-unattached-uploads", "Status": "Enabled", "Prefix": "uploads/", "ExpirationInDays": 1,
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1}} in rules

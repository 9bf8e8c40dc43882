"""Reporter e-mail (SPEC §11): the first message to an address asks to confirm it, with an absolute
link and a single-use token; nothing else goes there until it is confirmed; addresses that bounce or
complain (SES events) are never mailed again."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import urlencode

from tests.staff import file_report, staff_view


def mails_to(outbox_path, address: str) -> list[dict]:
    return [m for m in map(json.loads, outbox_path.read_text().splitlines())
            if m.get("channel") == "email" and address in m.get("to", [])]


def new_address() -> str:
    return f"warga-{secrets.token_hex(5)}@example.com"


def test_nothing_but_a_confirmation_until_the_address_is_confirmed(client, pump, outbox_path):
    address = new_address()
    # Given two reports filed with a new address
    file_report(client, reporter={"name": "Warga", "email": address})
    file_report(client, reporter={"name": "Warga", "email": address}, title="Laporan kedua dari warga")
    pump.drain()
    # Then exactly one message went there: the confirmation, with an absolute link
    [mail] = mails_to(outbox_path, address)
    assert "Konfirmasi" in mail["subject"]
    [link] = re.findall(r"http://127\.0\.0\.1:8000/confirm-email\?token=\S+", mail["text"])
    token = link.split("token=", 1)[1]
    # When the reporter opens the link: a page with a button (opening it does not use the token)
    page = client.http.get(f"/confirm-email?token={token}")
    assert page.status_code == 200 and b'name="token"' in page.body
    # And presses it
    done = client.http.post("/confirm-email", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                       "Accept": "text/html"}, body=urlencode({"token": token}))
    assert done.status_code == 200 and "dikonfirmasi" in done.body.decode()
    # Then the token is used up
    again = client.http.post("/confirm-email", headers={"Content-Type": "application/json"},
                             body=json.dumps({"token": token}))
    assert again.status_code == 404
    # And the next report's news reaches the address
    file_report(client, reporter={"name": "Warga", "email": address}, title="Laporan ketiga dari warga")
    pump.drain()
    assert len(mails_to(outbox_path, address)) >= 2


def test_a_forged_or_wrong_token_confirms_nothing(client, pump, outbox_path):
    from chalicelib.services import reporter_email

    address = new_address()
    file_report(client, reporter={"name": "Warga", "email": address})
    pump.drain()
    key = reporter_email.address_key(address)
    forged = reporter_email.confirm_link(key, "not-the-secret").split("token=", 1)[1]
    for token in (forged, "nonsense", "a.b", "", "x" * 500):
        response = client.http.post("/confirm-email", headers={"Content-Type": "application/json"},
                                    body=json.dumps({"token": token}))
        assert response.status_code == 404, token
    assert reporter_email.state_of(address) == "pending"


def test_a_bounce_or_complaint_suppresses_the_address_for_good(client, pump, outbox_path, staff):
    from chalicelib.services import reporter_email

    bounced, complained, transient = new_address(), new_address(), new_address()
    # Given SES events as SNS delivers them (configuration set → SNS → the function)
    reporter_email.handle_ses_notification(json.dumps({"eventType": "Bounce", "bounce": {
        "bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": bounced}]}}))
    reporter_email.handle_ses_notification({"notificationType": "Complaint", "complaint": {
        "complainedRecipients": [{"emailAddress": complained.upper()}]}})
    reporter_email.handle_ses_notification({"eventType": "Bounce", "bounce": {
        "bounceType": "Transient", "bouncedRecipients": [{"emailAddress": transient}]}})
    assert reporter_email.state_of(bounced) == reporter_email.state_of(complained) == "suppressed"
    assert reporter_email.state_of(transient) is None
    # When reports name those addresses
    for address in (bounced, complained):
        receipt = file_report(client, reporter={"name": "Warga", "email": address})
        pump.drain()
        # Then nothing at all is sent to them, not even a confirmation, and the staff timeline says so
        assert mails_to(outbox_path, address) == []
        notes = [e["note"] for e in staff_view(client, staff.national(), receipt["tracking_id"])["timeline"]]
        assert any((note or "").startswith("email_suppressed") for note in notes), notes


def test_the_receipt_and_tracking_page_say_check_your_e_mail(client):
    receipt = file_report(client)
    page = client.http.post("/track", headers={"Content-Type": "application/x-www-form-urlencoded"},
                            body=urlencode({"tracking_id": receipt["tracking_id"],
                                            "reporter_token": receipt["reporter_token"]})).body.decode()
    assert "Periksa e-mail Anda untuk menerima kabar laporan" in page


def test_the_ses_events_function_takes_the_sns_message(client):
    # Given the function SNS invokes with an SES bounce event (as the deployed stack wires it)
    from chalicelib.services import reporter_email

    address = new_address()
    event = client.events.generate_sns_event(message=json.dumps({
        "eventType": "Bounce", "bounce": {"bounceType": "Permanent",
                                          "bouncedRecipients": [{"emailAddress": address}]}}))
    client.lambda_.invoke("ses_events", event)
    # Then the address is on the suppression list
    assert reporter_email.state_of(address) == "suppressed"


def test_an_agency_address_that_bounced_is_not_mailed_again(client, pump, outbox_path, staff):
    from chalicelib.models import AgencyModel
    from chalicelib.services import reporter_email

    # Given Makassar's public-works office (where road reports go) reads two addresses, one bounced for good
    working, bounced = "pengaduan@pu.makassarkota.go.id", "lama@pu.makassarkota.go.id"
    AgencyModel("dinas-pupr-kota-makassar").update(actions=[AgencyModel.emails.set([bounced, working])])
    reporter_email.handle_ses_notification({"eventType": "Bounce", "bounce": {
        "bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": bounced}]}})
    # When a report reaches the office
    first = file_report(client)
    pump.drain()
    # Then the news goes to the working address only
    assert [m for m in mails_to(outbox_path, working) if first["tracking_id"] in m["text"]]
    assert mails_to(outbox_path, bounced) == []
    # And when the other address bounces too, nothing is sent and the staff timeline says so
    reporter_email.handle_ses_notification({"notificationType": "Complaint", "complaint": {
        "complainedRecipients": [{"emailAddress": working}]}})
    second = file_report(client, title="Lampu jalan padam di depan pasar")
    pump.drain()
    assert [m for m in mails_to(outbox_path, working) if second["tracking_id"] in m["text"]] == []
    notes = [e["note"] or "" for e in staff_view(client, staff.national(), second["tracking_id"])["timeline"]]
    assert any(n.startswith("email_suppressed → dinas-pupr-kota-makassar") for n in notes), notes

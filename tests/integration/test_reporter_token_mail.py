"""The tracking number and reporter token by e-mail, after confirmation (issue 15; SPEC §11, §13;
docs/messages.md "The reporter token by e-mail").

Filing with ``token_by_email`` seals the token with the deployment's KMS key; nothing carrying the
token goes to an address until its owner confirms it; then one e-mail carries the tracking number,
the grouped token and an absolute link to the tracking page: once, however often (or however
concurrently) the link is pressed; a token whose address is never confirmed expires.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from tests.factories import valid_report
from tests.staff import file_report

BASE = "http://127.0.0.1:8000"
GROUPED = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}")


def new_address() -> str:
    return f"warga-{secrets.token_hex(5)}@example.com"


def mails_to(outbox_path, address: str) -> list[dict]:
    if not outbox_path.exists():
        return []
    return [m for m in map(json.loads, outbox_path.read_text().splitlines())
            if m.get("channel") == "email" and address in m.get("to", [])]


def carrying(mails: list[dict], token: str) -> list[dict]:
    return [m for m in mails if token in m["text"] or token in m["html"] or token in m["subject"]]


def file_with_token(client, address: str, **overrides) -> dict:
    return file_report(client, reporter={"name": "Warga", "email": address}, token_by_email=True, **overrides)


def confirm_token_of(mail: dict) -> str:
    [link] = re.findall(rf"{re.escape(BASE)}/confirm-email\?token=(\S+)", mail["text"])
    return link.split("&", 1)[0]


def confirm(client, token: str):
    return client.http.post("/confirm-email", headers={"Content-Type": "application/json"},
                            body=json.dumps({"token": token}))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_token_reaches_the_address_once_its_owner_confirms_it(client, pump, outbox_path, lang, caplog, capsys):
    from chalicelib.models import SealedTokenModel
    from chalicelib.services import reporter_email

    caplog.set_level(logging.DEBUG, logger="sp4n-lapor")  # the app's own lines, at every level
    address = new_address()
    # Given a report filed with "e-mail me the tracking number and token", in the reporter's language
    receipt = file_with_token(client, address, lang=lang)
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    assert GROUPED.fullmatch(token)
    pump.drain()
    # Then the address got one message: the confirmation, in that language, saying the token follows
    [ask] = mails_to(outbox_path, address)
    assert carrying([ask], token) == []
    if lang == "en":
        assert ask["subject"] == f"[LAPOR!] Confirm your e-mail address for report {tid}"
        assert "we send your tracking number and reporter token here, once" in ask["text"]
        assert "&lang=en" in ask["text"] and "Konfirmasi" not in ask["text"]
    else:
        assert ask["subject"] == f"[LAPOR!] Konfirmasi alamat e-mail Anda untuk laporan {tid}"
        assert "nomor laporan dan token pelapor Anda ke sini" in ask["text"] and "Confirm" not in ask["text"]
    # And the token is kept only sealed: the stored item holds neither its text nor its bytes
    sealed = SealedTokenModel.get(reporter_email.address_key(address), tid, consistent_read=True)
    raw = json.dumps(sealed.serialize(), default=str)
    for form in (token, token.replace("-", ""), token.lower()):
        assert form not in raw and form.encode() not in sealed.sealed

    # When the reporter presses the confirmation button twice (a double click)
    key = confirm_token_of(ask)
    first, second = confirm(client, key), confirm(client, key)
    assert first.status_code == 200 and second.status_code == 404
    # And the confirmation's answer itself carries no token
    assert token not in first.body.decode()
    pump.drain()
    # Then exactly one more message came: the tracking number, the grouped token, the absolute link
    mails = mails_to(outbox_path, address)
    [mail] = carrying(mails, token)
    assert len(mails) == 2
    link = f"{BASE}/track?tracking_id={tid}" + ("&lang=en" if lang == "en" else "")
    assert tid in mail["subject"] and tid in mail["text"] and link in mail["text"] and f'href="{link}"' in \
        mail["html"].replace("&amp;", "&")
    assert (("Reporter token: " if lang == "en" else "Token pelapor: ") + token) in mail["text"]
    # And the token in it opens the reporter's view
    view = client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token})
    assert view.status_code == 200 and json.loads(view.body)["reporter"] is not None
    # And the sealed token is gone; draining again sends nothing more
    assert SealedTokenModel.count(reporter_email.address_key(address), consistent_read=True) == 0
    pump.drain()
    assert len(mails_to(outbox_path, address)) == 2
    # And no log line ever carried the token
    logged = caplog.text + capsys.readouterr().out
    assert tid in logged  # the lines are there (each names its report)
    for form in (token, token.replace("-", "")):
        assert form not in logged


def test_concurrent_confirmations_send_the_token_once(client, pump, outbox_path):
    from chalicelib.errors import NotFound
    from chalicelib.services import reporter_email

    address = new_address()
    receipt = file_with_token(client, address)
    pump.drain()
    [ask] = mails_to(outbox_path, address)
    key = confirm_token_of(ask)
    # When eight presses of the link arrive at once
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def press() -> None:
        start.wait()
        try:
            reporter_email.confirm(key)
            outcomes.append("confirmed")
        except NotFound:
            outcomes.append("refused")

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then one confirmed it, the others were turned away, and one token e-mail went out
    assert sorted(outcomes) == ["confirmed"] + ["refused"] * 7
    pump.drain()
    assert len(carrying(mails_to(outbox_path, address), receipt["reporter_token"])) == 1


def test_the_filing_notice_and_the_confirmation_racing_queue_one_message(client, pump, outbox_path):
    from chalicelib.adapters import clock
    from chalicelib.services import reporter_tokens

    address = new_address()
    receipt = file_with_token(client, address)
    tid = receipt["tracking_id"]
    # When both paths that may queue the token (the filing's notice finding the address confirmed,
    # and the confirmation) do so at once
    results: list[bool] = []
    start = threading.Barrier(6)

    def queue() -> None:
        start.wait()
        results.append(reporter_tokens.queue(tid, clock.now()))

    threads = [threading.Thread(target=queue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then one notification was written
    assert sorted(results) == [False] * 5 + [True]


def test_an_address_confirmed_before_gets_the_token_without_asking_again(client, pump, outbox_path):
    address = new_address()
    # Given an address its owner confirmed for an earlier report
    file_report(client, reporter={"name": "Warga", "email": address})
    pump.drain()
    [ask] = mails_to(outbox_path, address)
    assert confirm(client, confirm_token_of(ask)).status_code == 200
    # When a new report asks for its token by e-mail
    receipt = file_with_token(client, address, title="Laporan kedua dengan token")
    pump.drain()
    # Then the token arrives, and no second confirmation was asked
    mails = mails_to(outbox_path, address)
    assert len(carrying(mails, receipt["reporter_token"])) == 1
    assert len([m for m in mails if "/confirm-email" in m["text"]]) == 1


def test_tokens_waiting_on_an_address_asked_earlier_follow_its_confirmation(client, pump, outbox_path):
    address = new_address()
    # Given two reports asking for their tokens while the address waits for its first confirmation
    one = file_with_token(client, address)
    pump.drain()
    two = file_with_token(client, address, title="Laporan kedua dengan token")
    pump.drain()
    [ask] = mails_to(outbox_path, address)  # one confirmation only: nothing else before it is confirmed
    # When the address is confirmed
    assert confirm(client, confirm_token_of(ask)).status_code == 200
    pump.drain()
    # Then each token arrives once
    mails = mails_to(outbox_path, address)
    assert len(carrying(mails, one["reporter_token"])) == 1 and len(carrying(mails, two["reporter_token"])) == 1


def test_a_token_whose_address_is_never_confirmed_expires(client, pump, outbox_path, clock_at):
    from chalicelib.adapters import clock
    from chalicelib.config import get_settings
    from chalicelib.models import SealedTokenModel
    from chalicelib.services import reporter_email, reporter_tokens

    address = new_address()
    receipt = file_with_token(client, address)
    tid = receipt["tracking_id"]
    pump.drain()
    [ask] = mails_to(outbox_path, address)
    # When the link is pressed after the sealed token's days have passed (on the test clock)
    clock_at(clock.now() + timedelta(days=get_settings().sealed_token_days, minutes=1))
    assert confirm(client, confirm_token_of(ask)).status_code == 200
    pump.drain()
    # Then the address is confirmed, but no token is sent: it is gone
    assert carrying(mails_to(outbox_path, address), receipt["reporter_token"]) == []
    assert not reporter_tokens.waiting(reporter_email.address_key(address), tid, clock.now())
    # And the item carries its expiry for DynamoDB's TTL, which deletes it
    item = SealedTokenModel.get(reporter_email.address_key(address), tid, consistent_read=True)
    assert item.expires_at <= clock.now() and _ttl_attribute() == "expires_at"


def test_a_queued_token_that_expires_before_delivery_is_deleted_unsent(client, pump, outbox_path, clock_at):
    from chalicelib.adapters import clock
    from chalicelib.config import get_settings
    from chalicelib.models import SealedTokenModel
    from chalicelib.services import reporter_email

    address = new_address()
    file_report(client, reporter={"name": "Warga", "email": address})
    pump.drain()
    [ask] = mails_to(outbox_path, address)
    assert confirm(client, confirm_token_of(ask)).status_code == 200
    receipt = file_with_token(client, address, title="Laporan yang tokennya kedaluwarsa")
    # When its delivery runs only after the token's days (the notifier was down that long)
    clock_at(clock.now() + timedelta(days=get_settings().sealed_token_days, hours=1))
    pump.drain()
    # Then nothing carrying the token was sent, and the sealed item was deleted
    assert carrying(mails_to(outbox_path, address), receipt["reporter_token"]) == []
    assert SealedTokenModel.count(reporter_email.address_key(address), consistent_read=True) == 0


def _ttl_attribute() -> str:
    import boto3

    from chalicelib.config import get_settings

    settings = get_settings()
    described = boto3.client("dynamodb", region_name=settings.region).describe_time_to_live(
        TableName=settings.table("sealed_tokens"))["TimeToLiveDescription"]
    assert described["TimeToLiveStatus"] == "ENABLED"
    return described["AttributeName"]


def test_an_attacker_never_gets_someone_elses_token(client, pump, outbox_path):
    from chalicelib.services import reporter_email

    victim, attacker = new_address(), new_address()
    # Given a victim's report asking for its token, and an attacker's own report asking for theirs
    theirs = file_with_token(client, victim)
    mine = file_with_token(client, attacker, title="Laporan milik penyerang")
    pump.drain()
    [victim_ask], [attacker_ask] = mails_to(outbox_path, victim), mails_to(outbox_path, attacker)
    # When the attacker confirms their own address, and forges links for the victim's address with
    # their own secret, or with the victim's tracking number in place of the address
    assert confirm(client, confirm_token_of(attacker_ask)).status_code == 200
    own_secret = confirm_token_of(attacker_ask).split(".", 1)[1]
    victim_key = reporter_email.address_key(victim)
    forged = reporter_email.confirm_link(victim_key, own_secret).split("token=", 1)[1]
    assert confirm(client, forged).status_code == 404
    assert confirm(client, f"{theirs['tracking_id']}.{own_secret}").status_code == 404
    # And, holding the victim's own link (a forwarded e-mail), presses it: as JSON and as a form
    victim_token = confirm_token_of(victim_ask)
    pressed = client.http.post("/confirm-email", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                          "Accept": "text/html"},
                               body=urlencode({"token": victim_token}))
    assert pressed.status_code == 200 and theirs["reporter_token"] not in pressed.body.decode()
    pump.drain()
    # Then the attacker's address got the attacker's token and nothing of the victim's
    attacker_mails = mails_to(outbox_path, attacker)
    assert len(carrying(attacker_mails, mine["reporter_token"])) == 1
    assert carrying(attacker_mails, theirs["reporter_token"]) == []
    assert not [m for m in attacker_mails if theirs["tracking_id"] in m["text"]]
    # And the victim's token went only to the victim's address
    assert len(carrying(mails_to(outbox_path, victim), theirs["reporter_token"])) == 1


def test_a_sealed_token_opens_only_for_its_own_report_and_address(tables):
    from botocore.exceptions import ClientError

    from chalicelib.adapters import clock, sealing
    from chalicelib.services import reporter_tokens

    row = reporter_tokens.seal("LPR-AAAA-BBBB", "a" * 64, "7K3M-9QXD-2HGT-WVNP-4ZRB", clock.now())
    assert sealing.unseal(row.sealed, reporter_tokens._context("LPR-AAAA-BBBB", "a" * 64)) == \
        "7K3M-9QXD-2HGT-WVNP-4ZRB"
    # Moved onto another report or another address, KMS refuses to open it
    for tid, key in (("LPR-CCCC-DDDD", "a" * 64), ("LPR-AAAA-BBBB", "b" * 64)):
        with pytest.raises(ClientError):
            sealing.unseal(row.sealed, reporter_tokens._context(tid, key))


def test_asking_for_the_token_by_email_needs_an_address(client):
    # JSON: 422 on the field, with its code
    response = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                                body=json.dumps(valid_report(reporter={"name": "Warga"}, token_by_email=True)))
    assert response.status_code == 422
    error = json.loads(response.body)["error"]
    assert "token_by_email" in error["fields"]
    # The form without a script: the form again, the checkbox's error in the page's language
    form = {**{k: v for k, v in valid_report().items() if k != "reporter"}, "reporter_name": "Warga",
            "token_by_email": "on", "lang": "en"}
    page = client.http.post("/complaints", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                    "Accept": "text/html"}, body=urlencode(form))
    assert page.status_code == 422
    html = page.body.decode()
    assert "Give an e-mail address to receive the token by e-mail" in html and 'href="#token_by_email"' in html


def test_the_form_without_a_script_asks_for_it_and_the_receipt_says_so(client, pump, outbox_path):
    address = new_address()
    form = {**{k: v for k, v in valid_report().items() if k != "reporter"}, "reporter_name": "Warga",
            "reporter_email": address, "token_by_email": "on"}
    page = client.http.post("/complaints", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                    "Accept": "text/html"}, body=urlencode(form))
    assert page.status_code == 201
    html = page.body.decode()
    assert "juga akan dikirim ke e-mail Anda" in html and 'id="token-by-email" hidden' not in html
    pump.drain()
    [ask] = mails_to(outbox_path, address)
    assert "token pelapor" in ask["text"]
    # and a filing that did not ask keeps that line hidden
    plain = client.http.post("/complaints", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     "Accept": "text/html"},
                             body=urlencode({**form, "token_by_email": "", "reporter_email": new_address()}))
    assert 'id="token-by-email" hidden' in plain.body.decode()

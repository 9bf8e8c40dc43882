"""Reporter e-mail confirmation and suppression (SPEC §11).

The first message to an address given with a report asks its owner to confirm it, with an
absolute link (``PUBLIC_BASE_URL``) carrying a single-use token; nothing else goes to that address
until it is confirmed, so nobody can make the service mail a stranger over and over. Addresses that
bounce or complain (SES events: configuration set → SNS → ``handle_ses_notification``) are
suppressed and never mailed again, confirmed or not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters import clock, email
from chalicelib.config import get_settings
from chalicelib.errors import NotFound
from chalicelib.models import AddressModel
from chalicelib.observability import count, logger
from chalicelib.services import reporter_tokens

PENDING, CONFIRMED, SUPPRESSED = "pending", "confirmed", "suppressed"
CONFIRM_PATH = "/confirm-email"


def address_key(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def state_of(address: str) -> str | None:
    try:
        return AddressModel.get(address_key(address), consistent_read=True).state
    except DoesNotExist:
        return None


def suppressed(addresses: list[str]) -> set[str]:
    """Which of ``addresses`` bounced for good or complained (one BatchGetItem): SES events suppress
    every address we mail, an agency's as well as a reporter's."""
    keys = {address_key(a): a for a in addresses}
    if not keys:
        return set()
    return {keys[m.address_key] for m in AddressModel.batch_get(list(keys), attributes_to_get=["address_key", "state"])
            if m.state == SUPPRESSED}


def confirm_link(key: str, secret: str, lang: str = "id") -> str:
    token = base64.urlsafe_b64encode(bytes.fromhex(key)).decode().rstrip("=") + "." + secret
    return f"{get_settings().public_base_url}{CONFIRM_PATH}?token={token}" + ("&lang=en" if lang == "en" else "")


def ask_to_confirm(address: str, tracking_id: str, lang: str = "id", token_waiting: bool = False) -> bool:
    """Make the address pending with a fresh single-use token and mail the link, once, in the
    language the report was filed in: False when another delivery asked first (nothing is sent
    then). ``token_waiting``: the message says the reporter token follows once confirmed."""
    key, secret = address_key(address), secrets.token_urlsafe(32)
    try:
        AddressModel(key, state=PENDING, token_hash=_secret_hash(secret), asked_at=clock.now().isoformat()).save(
            condition=AddressModel.address_key.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    from chalicelib.services import messages  # the templates: not on a filing's cold start

    message = messages.compose_email_confirmation({"report": {"tracking_id": tracking_id, "lang": lang},
                                                   "link": confirm_link(key, secret, lang),
                                                   "token_waiting": token_waiting})
    email.send([address], message.subject, message.text, tracking_id=tracking_id, recipient="reporter",
               html=message.html)
    count("ReporterEmailConfirmationAsked")
    return True


def _parse(token: str | None) -> tuple[str, str]:
    if not isinstance(token, str) or "." not in token or len(token) > 200:
        raise NotFound("this confirmation link is not valid or was already used")
    head, secret = token.split(".", 1)
    try:
        key = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).hex()
    except ValueError:
        raise NotFound("this confirmation link is not valid or was already used") from None
    if len(key) != 64 or not secret:
        raise NotFound("this confirmation link is not valid or was already used")
    return key, secret


def confirm(token: str | None) -> dict[str, Any]:
    """Use a confirmation token, once (a conditional write: the token's hash must still be there)."""
    key, secret = _parse(token)
    try:
        found = AddressModel.get(key, consistent_read=True)
    except DoesNotExist:
        raise NotFound("this confirmation link is not valid or was already used") from None
    if found.state != PENDING or not found.token_hash or \
            not hmac.compare_digest(found.token_hash, _secret_hash(secret)):
        raise NotFound("this confirmation link is not valid or was already used")
    try:
        found.update(actions=[AddressModel.state.set(CONFIRMED), AddressModel.token_hash.remove(),
                              AddressModel.confirmed_at.set(clock.now().isoformat())],
                     condition=(AddressModel.state == PENDING) & (AddressModel.token_hash == found.token_hash))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("this confirmation link is not valid or was already used") from None
        raise
    count("ReporterEmailConfirmed")
    reporter_tokens.release(key, clock.now())  # only the request that confirmed it gets here
    return {"confirmed": True}


def suppress(address: str, reason: str) -> None:
    AddressModel(address_key(address), state=SUPPRESSED, suppressed_at=clock.now().isoformat(),
                 reason=reason).save()


def handle_ses_notification(message: str | dict[str, Any]) -> int:
    """An SES event (bounce or complaint) as SNS delivers it: suppress its recipients. Returns how
    many addresses were suppressed. Transient bounces (a full mailbox) are not suppressed."""
    event = json.loads(message) if isinstance(message, str) else message
    kind = event.get("eventType") or event.get("notificationType")
    recipients: list[str] = []
    if kind == "Bounce" and (event.get("bounce") or {}).get("bounceType") == "Permanent":
        recipients = [r.get("emailAddress", "") for r in event["bounce"].get("bouncedRecipients", [])]
    elif kind == "Complaint":
        recipients = [r.get("emailAddress", "") for r in (event.get("complaint") or {}).get("complainedRecipients", [])]
    suppressed = 0
    for address in filter(None, recipients):
        suppress(address, "bounce" if kind == "Bounce" else "complaint")
        suppressed += 1
    if suppressed:
        logger.info("addresses suppressed", extra={"kind": kind, "count": suppressed})
        count("ReporterEmailSuppressed")
    return suppressed

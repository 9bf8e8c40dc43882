"""E-mail through SES (moto's SES locally). In the local stack every message is also recorded in
the outbox and printed."""

from __future__ import annotations

from chalicelib.adapters import outbox
from chalicelib.adapters.aws import client
from chalicelib.config import get_settings


def send(to: list[str], subject: str, text: str, *, tracking_id: str, recipient: str, html: str = "") -> str:
    """One e-mail: a plain-text part, and an HTML part when there is one (SPEC §13)."""
    body = {"Text": {"Data": text, "Charset": "UTF-8"}}
    if html:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    settings = get_settings()
    extra = {"ConfigurationSetName": settings.ses_configuration_set} if settings.ses_configuration_set else {}
    response = client("ses").send_email(
        Source=settings.sender_email,
        Destination={"ToAddresses": to},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
        **extra,
    )
    outbox.record({"channel": "email", "tracking_id": tracking_id, "recipient": recipient, "to": to,
                   "subject": subject, "text": text, "html": html, "message_id": response.get("MessageId")})
    return response.get("MessageId", "")


def verify_sender() -> None:
    """Local stack and tests: SES only sends from a verified identity."""
    client("ses").verify_email_identity(EmailAddress=get_settings().sender_email)

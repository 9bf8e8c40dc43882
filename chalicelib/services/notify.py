"""Delivering notifications (SPEC §6): agency e-mail (SES), agency webhook, reporter e-mail.

A notification row is written in the same transaction as the change that causes it; its INSERT on
the table's stream triggers the first attempt, and ``retry_due`` (scheduled) retries the ones that
failed, with growing gaps, until they are delivered or, after ``NOTIFICATION_MAX_ATTEMPTS``,
dead-lettered to SQS. Each attempt first *claims* the row (a conditional write on ``attempts``), so
the stream and the retry job never deliver the same attempt twice; channels already delivered are
not sent again. Every delivery and every final failure is recorded on the report's timeline. A
failing channel never touches the report itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.adapters import clock, deadletter, email, webhook
from chalicelib.config import get_settings
from chalicelib.domain import digest
from chalicelib.domain.complaint import Event
from chalicelib.domain.names import REPORTER_RECIPIENT, Audience, Delivery, Role
from chalicelib.errors import NotFound, ServiceUnavailable, StaleVersion
from chalicelib.models import NotificationModel
from chalicelib.models.mapping import event_to_model, iso, utc_key
from chalicelib.observability import count, logger
from chalicelib.services import directory, messages, reporter_email, reporter_tokens, store

BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720)
CLAIM_SECONDS = 120


def _agency_name(agency_id: str) -> str | None:
    try:
        return directory.get_agency(agency_id).name
    except NotFound:
        return None


def message_of(row: NotificationModel) -> messages.Message:
    """The row's message, written now from its facts in its reader's language (SPEC §13)."""
    payload = row.payload or {}
    if payload.get("facts"):
        return messages.compose(row.recipient, row.kind, payload["facts"], messages.Names(_agency_name))
    return messages.Message(payload.get("subject", ""), payload.get("text", ""), "", "id")


def _channels(row: NotificationModel) -> list[tuple[str, Any]]:
    """What to send for this row: (channel name, a function that sends it)."""
    tid = row.tracking_id
    if row.recipient.startswith("agency:"):
        agency_id = row.recipient.split(":", 1)[1]
        try:
            agency = directory.get_agency(agency_id)
        except NotFound:
            return []
        message = message_of(row)
        subject, text = message.subject, message.text
        channels: list[tuple[str, Any]] = []
        # An agency on the daily digest reads this in tomorrow's digest, unless it cannot wait.
        if agency.emails and not digest.held_for_digest(agency.notify, row.kind):
            # An address that bounced for good or complained is not mailed again (SES reputation);
            # with none left the outcome says so, on the timeline, for the admins to fix the directory.
            bounced = reporter_email.suppressed(list(agency.emails))
            recipients = [a for a in agency.emails if a not in bounced]
            if recipients:
                channels.append(("email", lambda: email.send(recipients, subject, text, tracking_id=tid,
                                                             recipient=row.recipient, html=message.html)))
            else:
                channels.append(("email_suppressed", lambda: None))
        if agency.webhook_url and row.kind != "digest":
            body = {"event": row.kind, "tracking_id": tid, "agency_id": agency_id, "subject": subject,
                    "text": text, "notification_id": row.notification_id, "created_at": row.created_at}
            previous = (agency.webhook_previous_secret if agency.webhook_previous_until  # a rotation's overlap
                        and datetime.fromisoformat(agency.webhook_previous_until) > clock.now() else None)
            channels.append(("webhook", lambda: webhook.post(agency.webhook_url, agency.webhook_secret, body,
                                                             tracking_id=tid, recipient=row.recipient,
                                                             message_id=f"{tid}/{row.notification_id}",
                                                             previous_secret=previous)))
        return channels
    try:
        complaint = store.get(tid)
    except NotFound:
        return []
    if not complaint.reporter_email:
        return []
    address = complaint.reporter_email
    # SPEC §11: only a confirmed address gets the message; the first one asks to confirm it instead;
    # a suppressed one (bounced, complained) gets nothing. Each outcome is on the timeline.
    state = reporter_email.state_of(address)
    if state == reporter_email.SUPPRESSED:
        return [("email_suppressed", lambda: None)]
    if state == reporter_email.PENDING:
        return [("email_unconfirmed", lambda: None)]
    if row.kind in (reporter_tokens.ASK, reporter_tokens.SEND):
        return _token_channels(row, state, address, complaint)
    if state is None:  # whichever message comes first asks, and says so when a token waits for the address
        waiting = reporter_tokens.waiting(reporter_email.address_key(address), tid, clock.now())
        return [("email_confirmation",
                 lambda: reporter_email.ask_to_confirm(address, tid, complaint.lang, token_waiting=waiting))]
    message = message_of(row)
    return [("email", lambda: email.send([address], message.subject, message.text, tracking_id=tid,
                                         recipient=REPORTER_RECIPIENT, html=message.html))]


def _token_channels(row: NotificationModel, state: str | None, address: str, complaint) -> list[tuple[str, Any]]:
    """The reporter token by e-mail (``services/reporter_tokens.py``): ask to confirm the address,
    or, once it is confirmed, queue the one message that carries the token, and send that."""
    tid, key, now = row.tracking_id, reporter_email.address_key(address), clock.now()
    if row.kind == reporter_tokens.SEND:
        return [("email", lambda: reporter_tokens.send(address, key, complaint, now))] \
            if state == reporter_email.CONFIRMED else []
    if state is None:
        waiting = reporter_tokens.waiting(key, tid, now)
        return [("email_confirmation",
                 lambda: reporter_email.ask_to_confirm(address, tid, complaint.lang, token_waiting=waiting))]
    return [("token_queued", lambda: reporter_tokens.queue(tid, now))]


def _claim(row: NotificationModel, now: datetime) -> bool:
    attempts = int(row.attempts or 0)
    try:
        row.update(actions=[NotificationModel.attempts.set(attempts + 1),
                            NotificationModel.next_attempt_at.set(utc_key(now + timedelta(seconds=CLAIM_SECONDS)))],
                   condition=(NotificationModel.attempts == attempts) & (NotificationModel.state == Delivery.PENDING))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _event(now: datetime, type_: str, note: str, data: dict[str, Any]) -> Event:
    return Event(at=now, type=type_, actor_role=Role.SYSTEM, status="-", note=note, audience=Audience.STAFF, data=data)


def deliver(row: NotificationModel) -> str:
    """One attempt at one notification. Returns its state afterwards."""
    if row.state != Delivery.PENDING:
        return row.state
    now = clock.now()
    if not _claim(row, now):
        return "claimed_elsewhere"
    logger.append_keys(tracking_id=row.tracking_id)
    attempt = int(row.attempts)
    done = set((row.payload or {}).get("delivered", []))
    errors: dict[str, str] = {}
    events: list[Event] = []
    who = "pelapor" if row.recipient == REPORTER_RECIPIENT else row.recipient.split(":", 1)[1]
    for name, send in _channels(row):
        if name in done:
            continue
        try:
            send()
        except Exception as error:
            errors[name] = type(error).__name__ + (f": {error}" if isinstance(error, webhook.WebhookFailed) else "")
            continue
        done.add(name)
        events.append(_event(now, "notified", f"{name} → {who}: {row.kind}",
                             {"channel": name, "recipient": row.recipient, "kind": row.kind}))
    payload = {**(row.payload or {}), "delivered": sorted(done)}
    actions = [NotificationModel.payload.set(payload)]
    if not errors:
        state = Delivery.DELIVERED
        actions += [NotificationModel.retry_pk.remove(), NotificationModel.next_attempt_at.remove()]
    elif attempt >= get_settings().notification_max_attempts:
        state = Delivery.DEAD_LETTERED
        actions += [NotificationModel.retry_pk.remove(), NotificationModel.next_attempt_at.remove(),
                    NotificationModel.last_error.set("; ".join(f"{k}: {v}" for k, v in sorted(errors.items())))]
        events.append(_event(now, "notification_failed",
                             f"{', '.join(sorted(errors))} → {who}: gave up after {attempt} attempts",
                             {"channels": sorted(errors), "recipient": row.recipient, "kind": row.kind}))
    else:
        state = Delivery.PENDING
        gap = BACKOFF_MINUTES[min(attempt - 1, len(BACKOFF_MINUTES) - 1)]
        actions += [NotificationModel.next_attempt_at.set(utc_key(now + timedelta(minutes=gap))),
                    NotificationModel.last_error.set("; ".join(f"{k}: {v}" for k, v in sorted(errors.items())))]
    actions.append(NotificationModel.state.set(state))

    if row.kind in ("digest", "participation_nudge"):  # spans many reports: its row is its record, not a timeline
        events = []

    def record(tx: TransactWrite) -> None:
        tx.update(row, actions=actions, condition=NotificationModel.attempts == attempt)
        for seq, event in enumerate(events):
            tx.save(event_to_model(row.tracking_id, event, seq))

    try:  # retried when DynamoDB throttles: an outcome not recorded means sending it all again
        store._run(record)
    except (TransactWriteError, StaleVersion, ServiceUnavailable):
        logger.warning("notification outcome not recorded; the retry job will try again")
        return "unrecorded"
    if state == Delivery.DEAD_LETTERED:
        deadletter.send({"tracking_id": row.tracking_id, "notification_id": row.notification_id,
                         "recipient": row.recipient, "kind": row.kind, "errors": errors, "at": iso(now)})
        count("NotificationDeadLettered")
        logger.error("notification dead-lettered", extra={"channels": sorted(errors), "kind": row.kind})
    elif state == Delivery.DELIVERED:
        count("NotificationDelivered")
    else:
        logger.warning("notification failed; will retry", extra={"channels": sorted(errors), "attempt": attempt})
    return state


def handle_records(records: list[dict[str, Any]]) -> list[str]:
    """The notifications stream: a new row is a message to send now."""
    states = []
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if record.get("eventName") == "INSERT" and image:
            states.append(deliver(NotificationModel.from_raw_data(image)))
    return states


def retry_due(limit: int = 200) -> dict[str, int]:
    """Retry what is due (and pick up anything a lost stream record left behind)."""
    now = clock.now()
    outcome: dict[str, int] = {}
    rows = NotificationModel.retry_index.query("retry", NotificationModel.next_attempt_at <= utc_key(now),
                                               limit=limit)
    for row in rows:
        try:
            fresh = NotificationModel.get(row.tracking_id, row.notification_id, consistent_read=True)
        except DoesNotExist:
            continue
        state = deliver(fresh)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome


def redrive(tracking_id: str, notification_id: str) -> None:
    """Operations: put a dead-lettered notification back in line for delivery."""
    row = NotificationModel.get(tracking_id, notification_id)
    row.update(actions=[NotificationModel.state.set(Delivery.PENDING), NotificationModel.attempts.set(0),
                        NotificationModel.retry_pk.set("retry"),
                        NotificationModel.next_attempt_at.set(utc_key(clock.now()))])

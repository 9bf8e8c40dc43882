"""Reading and writing reports: every change is one DynamoDB transaction.

A change writes the report (conditional on the version it read), its new timeline events, the
statistics deltas and the notifications it causes, all or nothing. Conflicts become domain errors.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import botocore.exceptions
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, GetError, QueryError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.domain import escalation, stats
from chalicelib.domain.complaint import Complaint, Event
from chalicelib.domain.deadlines import Limits
from chalicelib.domain.names import Delivery
from chalicelib.errors import (
    TRANSIENT_CODES,
    NotFound,
    Problem,
    StaleVersion,
    ValidationFailed,
    transient_code,
    unavailable,
)
from chalicelib.models import AgencyModel, ComplaintModel, EventModel, NotificationModel, StatModel, UploadModel
from chalicelib.models.mapping import (
    event_from_model,
    event_to_model,
    from_model,
    iso,
    near_key,
    to_model,
    utc_key,
)
from chalicelib.models.marker import MarkerModel

STAT_SHARDS = 4
# A new notification is delivered from the stream at once; the retry job looks at it only after
# this, in case its stream record never came.
FIRST_RETRY_AFTER = timedelta(minutes=2)

_connection: Connection | None = None


def connection() -> Connection:
    """One low-level connection for transactions, built on first use."""
    global _connection
    if _connection is None:
        _connection = Connection(region=get_settings().region)
    return _connection


def limits() -> Limits:
    return Limits.from_settings(get_settings())


def _reasons(error: TransactWriteError) -> list[str]:
    return [(reason.code if reason else "None") for reason in (error.cancellation_reasons or [])]


def get(tracking_id: str, consistent: bool = False) -> Complaint:
    try:
        return from_model(ComplaintModel.get(tracking_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(Problem("no_report",
                               f"no report with tracking id {tracking_id}", tracking_id=tracking_id)) from None
    except GetError as error:
        raise _unavailable(error) from error


def _batch_get(request: dict) -> dict[str, list]:
    """One BatchGetItem (the items of every table asked, by table name), retrying what DynamoDB
    left unprocessed or throttled with a short backoff; still busy after 5 tries: 429."""
    found: dict[str, list] = {table: [] for table in request}
    client = connection().client
    for attempt in range(5):
        try:
            answer = client.batch_get_item(RequestItems=request)
        except botocore.exceptions.ClientError as error:
            if transient_code(error) and attempt < 4:
                time.sleep(0.05 * (2 ** attempt))
                continue
            raise
        for table, items in answer.get("Responses", {}).items():
            found[table].extend(items)
        request = answer.get("UnprocessedKeys") or {}
        if not request:
            return found
        time.sleep(0.05 * (2 ** attempt))
    raise unavailable()


def get_with_agency(tracking_id: str, agency_id: str) -> tuple[Complaint, AgencyModel | None]:
    """The report (consistent read) and an agency in one BatchGetItem round trip: a forward needs
    both, and each round trip counts."""
    settings = get_settings()
    complaints, agencies = settings.table("complaints"), settings.table("agencies")
    request: dict = {
        complaints: {"Keys": [{"tracking_id": {"S": tracking_id}}], "ConsistentRead": True},
        agencies: {"Keys": [{"agency_id": {"S": agency_id}}]},
    }
    found = _batch_get(request)
    if not found[complaints]:
        raise NotFound(Problem("no_report", f"no report with tracking id {tracking_id}", tracking_id=tracking_id))
    agency = AgencyModel.from_raw_data(found[agencies][0]) if found[agencies] else None
    return from_model(ComplaintModel.from_raw_data(found[complaints][0])), agency


def timeline(tracking_id: str) -> list[Event]:
    try:
        return [event_from_model(m) for m in EventModel.query(tracking_id)]
    except QueryError as error:
        raise _unavailable(error) from error


def _unavailable(error: Exception) -> Exception:
    """A transient DynamoDB error is the client's cue to retry (429); anything else stays itself."""
    return unavailable() if transient_code(error) else error


def _add_stats(tx: TransactWrite, counts: stats.Counts) -> None:
    shard = secrets.randbelow(STAT_SHARDS)
    for scope, days in counts.items():
        for day, counters in days.items():
            actions = [getattr(StatModel, name).add(value) for name, value in sorted(counters.items())]
            tx.update(StatModel(scope, f"{day}#{shard}"), actions=actions)


def _notification_models(tracking_id: str, notices: Iterable[escalation.Notice],
                         now: datetime) -> list[NotificationModel]:
    rows = []
    for seq, notice in enumerate(notices):
        rows.append(NotificationModel(
            tracking_id, f"{utc_key(now)}#{seq:02d}{secrets.token_hex(3)}", recipient=notice.recipient,
            kind=notice.kind, state=Delivery.PENDING, attempts=0,
            created_at=iso(now), retry_pk="retry", next_attempt_at=utc_key(now + FIRST_RETRY_AFTER),
            payload={"subject": notice.subject, "text": notice.text, "facts": notice.facts},
        ))
    return rows


STALE = Problem("concurrent_change", "the report was changed by someone else; reload and retry")


class AlreadyDone(Exception):
    """The transaction's guard (its first item, a marker put-if-absent) says it was done before."""


def _run(write, *, stale_message: str = STALE,
         agency_check: bool = False, guarded: bool = False,
         refusal: Callable[[list[str]], Exception | None] | None = None) -> None:
    """Run a transaction; retry transaction conflicts (on shared counter items) and throttling.
    ``refusal`` names the error for a failed condition of the caller's own (an abuse limit)."""
    for attempt in range(4):
        try:
            with TransactWrite(connection=connection()) as tx:
                write(tx)
            return
        except TransactWriteError as error:
            reasons = _reasons(error)
            own = refusal(reasons) if refusal and "ConditionalCheckFailed" in reasons else None
            if own is not None:
                raise own from None
            if "ConditionalCheckFailed" in reasons:
                # PynamoDB sends condition checks first: the agency check is item 0.
                if agency_check and reasons[0] == "ConditionalCheckFailed":
                    raise ValidationFailed("unknown agency", fields={
                        "target_agency_id": Problem("unknown_agency", "unknown agency: see GET /agencies")}) from None
                if guarded and reasons[0] == "ConditionalCheckFailed":
                    raise AlreadyDone() from None
                raise StaleVersion(stale_message) from None
            retryable = "TransactionConflict" in reasons or bool(transient_code(error)) \
                or any(r in TRANSIENT_CODES for r in reasons)
            if not retryable or attempt == 3:
                if retryable:
                    raise unavailable() from None
                raise
            time.sleep(0.05 * (2 ** attempt) * (1 + secrets.randbelow(100) / 100))


def create(c: Complaint, events: list[Event], now: datetime, *,
           check_agency: str | None = None, notices: Iterable[escalation.Notice] = (),
           counters: Callable[[TransactWrite], list[Callable[[], Exception]]] | None = None,
           uploads: Iterable[str] = (), upload_taken: Callable[[], Exception] | None = None,
           also_put: Iterable[Model] = ()) -> None:
    """A new report: put-if-absent, its first events, counters and notifications, in one go.
    ``also_put``: other items born with it (a sealed reporter token).

    ``counters`` adds conditional updates (abuse limits, SPEC §11) and returns, in order, what
    makes the error for each: the one whose condition fails is raised and nothing is written.
    ``uploads`` are claimed for this report, each put-if-absent (``upload_taken`` when one is not)."""
    model = to_model(c, escalation.next_due_at(c, now, limits()))
    rows = [*_notification_models(c.tracking_id, notices, now), *also_put]
    refusals: list[Callable[[], Exception]] = []
    claims = [UploadModel(upload_id, tracking_id=c.tracking_id, attached_at=iso(now)) for upload_id in uploads]

    def write(tx: TransactWrite) -> None:
        tx.save(model, condition=ComplaintModel.tracking_id.does_not_exist())
        if check_agency:
            tx.condition_check(AgencyModel, check_agency, condition=AgencyModel.agency_id.exists())
        for seq, event in enumerate(events):
            tx.save(event_to_model(c.tracking_id, event, seq))
        for row in rows:
            tx.save(row)
        for claim in claims:
            tx.save(claim, condition=UploadModel.upload_id.does_not_exist())
        refusals[:] = counters(tx) if counters else []  # the first updates: after checks and puts
        _add_stats(tx, stats.delta(None, c))

    def refusal(reasons: list[str]) -> Exception | None:
        # PynamoDB sends condition checks, then puts, then updates, each in the order given.
        puts = (1 if check_agency else 0) + 1 + len(events) + len(rows)
        if any(reason == "ConditionalCheckFailed" for reason in reasons[puts:puts + len(claims)]):
            return upload_taken() if upload_taken else StaleVersion("an upload belongs to another report")
        first = puts + len(claims)
        for offset, make_error in enumerate(refusals):
            if first + offset < len(reasons) and reasons[first + offset] == "ConditionalCheckFailed":
                return make_error()
        return None

    _run(write, stale_message="tracking id collision; please retry", agency_check=bool(check_agency),
         refusal=refusal)


def update(before: Complaint, after: Complaint, events: list[Event], now: datetime,
           notices: Iterable[escalation.Notice] = (),
           also: tuple[Complaint, Complaint, list[Event]] | None = None) -> Complaint:
    """A change: only if nobody changed the report since ``before`` was read. ``also`` is a second
    report's change (before, after, events) made in the same transaction, under the same rule (a
    duplicate and its original, SPEC §12)."""
    after = after.evolve(version=before.version + 1)
    model = to_model(after, escalation.next_due_at(after, now, limits()))
    other = None
    if also is not None:
        other_before, other_after, other_events = also
        other_after = other_after.evolve(version=other_before.version + 1)
        other = (other_before, other_after, other_events,
                 to_model(other_after, escalation.next_due_at(other_after, now, limits())))

    def write(tx: TransactWrite) -> None:
        tx.save(model, condition=ComplaintModel.version == before.version)
        for seq, event in enumerate(events):
            tx.save(event_to_model(after.tracking_id, event, seq))
        _add_stats(tx, stats.delta(before, after))
        for row in _notification_models(after.tracking_id, notices, now):
            tx.save(row)
        if other is not None:
            other_before, other_after, other_events, other_model = other
            tx.save(other_model, condition=ComplaintModel.version == other_before.version)
            for seq, event in enumerate(other_events):
                tx.save(event_to_model(other_after.tracking_id, event, seq))
            _add_stats(tx, stats.delta(other_before, other_after))

    _run(write)
    return after


def get_pair(first: str, second: str) -> tuple[Complaint, Complaint | None]:
    """Two reports (consistent reads) in one BatchGetItem; the second may be missing."""
    table = get_settings().table("complaints")
    keys = [{"tracking_id": {"S": first}}] + ([{"tracking_id": {"S": second}}] if second != first else [])
    request: dict = {table: {"Keys": keys, "ConsistentRead": True}}
    found = _batch_get(request)[table]
    by_id = {item["tracking_id"]["S"]: from_model(ComplaintModel.from_raw_data(item)) for item in found}
    if first not in by_id:
        raise NotFound(Problem("no_report", f"no report with tracking id {first}", tracking_id=first))
    return by_id[first], by_id.get(second)




def update_once(before: Complaint, after: Complaint, marker_id: str, expires_at: datetime,
                events: list[Event], now: datetime) -> Complaint:
    """A change made at most once per marker (a support under its Idempotency-Key): the marker is
    put-if-absent in the same transaction as the version-checked report. Raises ``AlreadyDone``
    when the marker exists, ``StaleVersion`` when the report changed since ``before``."""
    after = after.evolve(version=before.version + 1)
    model = to_model(after, escalation.next_due_at(after, now, limits()))
    marker = MarkerModel(marker_id, expiration=int(expires_at.timestamp()))

    def write(tx: TransactWrite) -> None:
        tx.save(marker, condition=MarkerModel.id.does_not_exist())
        tx.save(model, condition=ComplaintModel.version == before.version)
        for seq, event in enumerate(events):
            tx.save(event_to_model(after.tracking_id, event, seq))
        _add_stats(tx, stats.delta(before, after))

    _run(write, guarded=True)
    return after


def nearby(cells: Iterable[str], category: str, since: datetime, per_cell: int) -> list[Complaint]:
    """Reports listed near a point: one Query of the sparse nearby index per cell, newest first."""
    found: list[Complaint] = []
    try:
        for cell in cells:
            query = ComplaintModel.nearby_index.query(
                near_key(cell, category), ComplaintModel.submitted_key >= utc_key(since),
                scan_index_forward=False, limit=per_cell, page_size=per_cell)
            found.extend(from_model(m) for m in query)
    except QueryError as error:
        raise _unavailable(error) from error
    return found

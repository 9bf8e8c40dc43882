"""Forwarding (disposisi) of new reports (SPEC §4 automatic disposition, §8).

Driven by the complaints table's stream: every INSERT is a new report. It goes to the agency the
reporter named, else to the agency of a routing rule for its category and regency (then province),
else it stays in its regency coordinator's queue and that coordinator is told. Each outcome is one
transaction conditional on the version in the stream image, so a batch that fails half-way and is
delivered again, or the same record seen twice, forwards every report exactly once.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters import clock
from chalicelib.domain import notices
from chalicelib.domain.complaint import Complaint, Event, Status, forward
from chalicelib.domain.names import Audience, Role
from chalicelib.domain.reference import regions
from chalicelib.errors import NotFound, StaleVersion
from chalicelib.models import ComplaintModel, RoutingRuleModel
from chalicelib.models.mapping import from_model
from chalicelib.observability import count, logger
from chalicelib.services import directory, store


def complaint_from_image(image: dict[str, Any]) -> Complaint:
    return from_model(ComplaintModel.from_raw_data(image))


def _rule_agency(c: Complaint) -> str | None:
    province = regions().regencies[c.regency_code].province_code
    for region in (c.regency_code, province):
        try:
            return RoutingRuleModel.get(region, c.category).agency_id
        except DoesNotExist:
            continue
    return None


def route(c: Complaint) -> str:
    """Decide and record where a new report goes. Returns what happened (for logs and tests)."""
    logger.append_keys(tracking_id=c.tracking_id)
    if c.status != Status.SUBMITTED or c.version != 1:
        return "skipped"
    agency_id = c.target_agency_id or _rule_agency(c)
    target = None
    if agency_id:
        try:
            target = directory.get_agency(agency_id).target()
        except NotFound:
            logger.warning("routing target missing; report stays in its queue", extra={"agency_id": agency_id})
    now = clock.now()
    if target is not None:
        after, events = forward(c, target, now, store.limits(),
                                note="otomatis: " + ("pilihan pelapor" if c.target_agency_id else "aturan disposisi"))
        outcome = "forwarded"
    else:
        after = c.evolve(updated_at=now)
        events = [Event(at=now, type="queued", actor_role=Role.SYSTEM, status=c.status, agency_id=c.agency_id,
                        note="menunggu verifikasi", audience=Audience.STAFF)]
        outcome = "queued"
    try:
        store.update(c, after, events, now, notices.for_change(c, after, events))
    except StaleVersion:
        return "already_done"
    if outcome == "forwarded":
        count("ComplaintForwarded")
    logger.info("new report routed", extra={"outcome": outcome, "agency_id": after.agency_id})
    return outcome


def handle_records(records: list[dict[str, Any]]) -> list[str]:
    """One stream batch. A failure raises, so Lambda delivers the batch again; done work is skipped."""
    outcomes = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = record.get("dynamodb", {}).get("NewImage")
        if image:
            outcomes.append(route(complaint_from_image(image)))
    return outcomes



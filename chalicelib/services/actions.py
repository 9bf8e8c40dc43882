"""Staff actions on a report (SPEC §4 ``POST /agency/complaints/{id}/actions``).

Read the report (consistent) and, for ``forward``, the target agency; decide with the pure state
machine; write report + timeline + counters + notifications in one conditional transaction. At most
three DynamoDB round trips; a concurrent change is 409 and nothing is written.
"""

from __future__ import annotations

from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import agencies, notices, views
from chalicelib.domain.agencies import Agency
from chalicelib.domain.complaint import (
    ACTIONS,
    Actor,
    Complaint,
    apply_action,
    check_permission,
    in_scope,
    merge_duplicate,
    returns_destination,
)
from chalicelib.domain.names import Audience, Role
from chalicelib.errors import Forbidden, NotFound, Problem, StaleVersion, ValidationFailed
from chalicelib.observability import count, logger
from chalicelib.services import attachments, directory, participation, reports, store


def _parse(data: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    from chalicelib.domain import bodies  # pydantic: loaded with the first action, not on the cold start

    body = bodies.staff_action(data)
    return body.action, body.note, body.agency_id, body.duplicate_of


def _target(actor: Actor, agency: Agency | None) -> agencies.Target:
    if agency is None:
        raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"})
    if actor.role != Role.NATIONAL_ADMIN and actor.agency_id not in agency.path:
        raise Forbidden(Problem("forward_outside_scope",
                                "you can only forward to your own agency or an agency below it"))
    return agency.target()


SEEN_STALE = Problem("changed_since_seen", "the report changed since you opened it; see it as it is now")


def _original(tracking_id: str, duplicate_of: str | None) -> tuple[Complaint, Complaint]:
    """mark_duplicate: the report and the one it repeats, in one round trip."""
    if not duplicate_of:
        raise ValidationFailed("duplicate_of is required", fields={
            "duplicate_of": "required for mark_duplicate: the original's tracking id"})
    try:
        original_id = reports.checked_id(duplicate_of)
    except NotFound:
        raise ValidationFailed("unknown report", fields={"duplicate_of": "no report with this tracking id"}) from None
    before, original = store.get_pair(reports.checked_id(tracking_id), original_id)
    if original is None:
        raise ValidationFailed("unknown report", fields={"duplicate_of": "no report with this tracking id"})
    return before, original


def act(actor: Actor, tracking_id: str, data: dict[str, Any], *, expected_version: int | None = None) -> dict[str, Any]:
    """``expected_version``: the version the caller saw (the console's forms); another one is 409."""
    action, note, agency_id, duplicate_of = _parse(data)
    original = None
    if action == "forward" and agency_id is not None:
        # the report and the target agency in one round trip
        before, agency_model = store.get_with_agency(reports.checked_id(tracking_id), agency_id)
        agency = directory.agency_from_model(agency_model) if agency_model else None
    elif action == "mark_duplicate":
        (before, original), agency = _original(tracking_id, duplicate_of), None
    else:
        before, agency = reports.load(tracking_id, consistent=True), None
    logger.append_keys(tracking_id=before.tracking_id)
    check_permission(actor, before, action)
    if expected_version is not None and before.version != expected_version:
        raise StaleVersion(SEEN_STALE)
    target = None
    if action == "forward":
        if agency_id is None:
            raise ValidationFailed("agency_id is required", fields={"agency_id": "required for forward"})
        target = _target(actor, agency)
    return_queue = None
    if action == "return":
        return_queue = returns_destination(
            before, agencies.province_coordinator(before.province_code).target(), agencies.national().target())
    now = clock.now()
    after, events = apply_action(before, actor, action, now, store.limits(), note=note, target=target,
                                 return_queue=return_queue, original=original)
    also = None
    if original is not None:  # the original gains a supporter in the same transaction (SPEC §12)
        also = (original, *merge_duplicate(original, after, actor, now))
    saved = store.update(before, after, events, now, notices.for_change(before, after, events), also=also)
    participation.record_action(actor.agency_id, now, actor.agency_path)  # after the commit, outside its transaction
    count(ACTIONS[action].metric)
    logger.info("staff action", extra={"action": action, "role": actor.role, "status": str(saved.status),
                                       "agency_id": saved.agency_id})
    return views.staff_view(saved, now)


def staff_view(actor: Actor, tracking_id: str) -> dict[str, Any]:
    complaint = reports.load(tracking_id)
    if not in_scope(actor, complaint):
        raise Forbidden(Problem("report_outside_scope", "this report is outside your scope"))
    view = attachments.with_links(views.staff_view(complaint, clock.now()), complaint, Audience.STAFF)
    events = store.timeline(complaint.tracking_id)
    view["timeline"] = views.timeline_view(events, Audience.STAFF, complaint.confidential)
    return view

"""Who is told what when a report changes (SPEC §6, §13).

Agencies hear about reports that reach them (disposition, a return into their queue, a reporter's
reply, a reopen, an acceptance); the reporter, when they gave an e-mail, hears what the agency did:
where the report went, the agency's answer, its question, the resolution, the reason for an
archive. Each notice carries the facts (the report as it stood, the event and its note); the
notifier writes the message in its reader's language. Messages to an agency never name an
anonymous reporter; no message carries the reporter's contact details.
"""

from __future__ import annotations

from chalicelib.domain.complaint import Complaint, Event
from chalicelib.domain.escalation import Notice, notice
from chalicelib.domain.names import REPORTER_RECIPIENT, agency_recipient

# Events an agency is told about when they happen to a report it holds (and it did not cause).
AGENCY_EVENTS = frozenset({"forwarded", "returned", "reporter_replied", "reopened", "accepted", "queued"})
# Events the reporter is told about: what the agency or verifier did, with its words.
REPORTER_EVENTS = frozenset({"forwarded", "returned", "responded", "info_requested", "resolved", "rejected",
                             "marked_duplicate"})


def _facts(event: Event) -> dict:
    facts = {"event": event.type, "note": event.note or None}
    for name in ("from_agency_id", "returns", "duplicate_of"):
        if name in event.data:
            facts[name] = event.data[name]
    return facts


def for_change(before: Complaint | None, after: Complaint, events: list[Event]) -> list[Notice]:
    notices: list[Notice] = []
    for event in events:
        if event.type in AGENCY_EVENTS and event.actor_agency_id != after.agency_id:
            notices.append(notice(agency_recipient(after.agency_id), event.type, after, **_facts(event)))
    if after.reporter_email and before is not None:
        told = [event for event in events if event.type in REPORTER_EVENTS]
        if told:  # one message per change: the last thing that happened says where it stands
            event = told[-1]
            notices.append(notice(REPORTER_RECIPIENT, event.type, after, **_facts(event)))
    return notices

"""The fixed words of the system, defined once (SPEC §1, §4, §6): who acts, who may see a timeline
line, who a notification is for, and where a notification's delivery stands.

``StrEnum`` members are their strings (``Role.OFFICER == "officer"``), so stored items, API keys,
JSON answers and Cognito groups keep the values they always had; the names stop a typo from
becoming a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who acts (SPEC §1). The first three are staff; ``open311`` is a partner program's key."""

    NATIONAL_ADMIN = "national_admin"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    OPEN311 = "open311"
    REPORTER = "reporter"
    SYSTEM = "system"


STAFF_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR, Role.OFFICER)
KEY_ROLES = (*STAFF_ROLES, Role.OPEN311)  # the roles an API key may carry
VERIFIERS = frozenset({Role.COORDINATOR, Role.NATIONAL_ADMIN})  # verify, forward and reject (SPEC §4)
MANAGERS = (Role.NATIONAL_ADMIN, Role.COORDINATOR)  # manage accounts, work the queue (SPEC §10)


class Audience(StrEnum):
    """Who may see a timeline line: ``public`` anyone (its note only when the report is not
    confidential), ``reporter`` the reporter and staff, ``staff`` staff only."""

    PUBLIC = "public"
    REPORTER = "reporter"
    STAFF = "staff"


AUDIENCE_ORDER = {Audience.PUBLIC: 0, Audience.REPORTER: 1, Audience.STAFF: 2}


class Delivery(StrEnum):
    """Where one notification's delivery stands (services/notify.py)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD_LETTERED = "dead_lettered"


REPORTER_RECIPIENT = "reporter"


def agency_recipient(agency_id: str) -> str:
    """The recipient of a notice to an agency: ``agency:<agency_id>``."""
    return f"agency:{agency_id}"


def recipient_agency(recipient: str) -> str | None:
    """The agency id of an ``agency:<id>`` recipient; None for the reporter."""
    return recipient.removeprefix("agency:") if recipient.startswith("agency:") else None

"""Random walks through the report lifecycle, for the statistics property tests.

A walk is a list of ``(operation, report index, parameter, hours to wait)`` tuples. Each one is
applied with the domain functions (``apply_action``, ``forward``, ``reporter_reply``,
``reporter_feedback``, ``apply_steps``); a transition the rules refuse is simply skipped, as it
would be with a 409. ``apply`` hands every accepted change to a ``sink`` (in memory, or the store):
``sink(before, after, events, also)``, where ``also`` is ``None`` or a second report's change made in
the same transaction (``mark_duplicate``: the original gains a supporter; SPEC §12).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from hypothesis import strategies as st

from chalicelib.domain import escalation
from chalicelib.domain.agencies import province_coordinator, regency_coordinator
from chalicelib.domain.complaint import (
    Actor,
    Complaint,
    Event,
    Target,
    apply_action,
    forward,
    merge_duplicate,
    reporter_feedback,
    reporter_reply,
    returns_destination,
    submitted_event,
)
from chalicelib.domain.deadlines import Limits, verification_deadline
from chalicelib.domain.reference import CATEGORIES, KINDS
from chalicelib.domain.stats import scopes_of
from chalicelib.errors import DomainError

NATIONAL_ADMIN = Actor("national_admin", "kemenpanrb", ("kemenpanrb",))
LIMITS = Limits()
# Weighted, so that walks get deep into the lifecycle (responses, resolutions, reopenings).
OPERATIONS = ("file",) * 2 + ("forward",) * 3 + ("auto_forward",) * 2 + ("reject", "return") + ("respond",) * 4 \
    + ("request_info", "reply") * 2 + ("resolve",) * 4 + ("accept",) * 2 + ("reopen",) * 3 + ("sweep",) * 3 \
    + ("duplicate",) * 2
KIND_CODES = tuple(KINDS)
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)

# The statuses each operation may apply to: a step picks among the reports in one of them (the rules
# may still refuse it, e.g. a third reopening).
_OPEN = ("submitted", "forwarded", "in_progress", "awaiting_reporter", "resolved")
APPLIES_TO = {
    "forward": ("submitted", "forwarded"), "auto_forward": ("submitted",), "reject": ("submitted",),
    "return": ("forwarded", "in_progress"), "respond": ("forwarded", "in_progress"),
    "request_info": ("submitted", "forwarded", "in_progress"), "reply": _OPEN, "resolve": ("in_progress",),
    "accept": ("resolved",), "reopen": ("resolved",), "sweep": _OPEN,
    "duplicate": ("submitted", "forwarded", "in_progress", "awaiting_reporter"),
}



def decode(n: int) -> tuple[str, int, int, int]:
    """One drawn number -> (operation, report index, parameter, hours to wait): one draw per step
    keeps generating walks of hundreds of steps cheap."""
    n, op = divmod(n, len(OPERATIONS))
    n, index = divmod(n, 41)
    n, hours = divmod(n, 49)
    return OPERATIONS[op], index, n % 1001, hours


steps = st.integers(0, 2**40).map(decode)


def walks_of(shortest: int, longest: int) -> st.SearchStrategy[list[tuple[str, int, int, int]]]:
    return st.lists(steps, min_size=shortest, max_size=longest)


walks = walks_of(250, 400)


def targets(c: Complaint, prefix: str) -> list[Target]:
    """Where a report in this region may be forwarded: its regency, two units below it, the
    province, and a ministry (ids made up under ``prefix`` so no other test shares their counters)."""
    regency = regency_coordinator(c.regency_code)
    unit_ids = [f"{prefix}-unit-{n}-{c.regency_code.replace('.', '-')}" for n in range(2)]
    units = [Target(unit_id, (*regency.path, unit_id)) for unit_id in unit_ids]
    ministry = Target(f"{prefix}-ministry", ("kemenpanrb", f"{prefix}-ministry"), "Kementerian Uji")
    return [regency.target(), *units, province_coordinator(c.province_code).target(), ministry]


@dataclasses.dataclass
class Walk:
    regencies: tuple[str, ...]
    prefix: str
    now: datetime
    sink: Callable[..., Complaint]
    ids: str = "TEST"  # four characters: tracking ids are LPR-<ids>-<number>
    reports: list[Complaint] = dataclasses.field(default_factory=list)
    touched: set[str] = dataclasses.field(default_factory=set)
    applied: int = 0

    def new_report(self, param: int) -> Complaint:
        regency = self.regencies[param % len(self.regencies)]
        queue = regency_coordinator(regency).target()
        number = len(self.reports)
        c = Complaint(
            tracking_id=f"LPR-{self.ids}-{number:04d}", kind=KIND_CODES[param % 3],
            title="Laporan uji statistik", description="Deskripsi laporan uji yang cukup panjang.",
            category=CATEGORY_CODES[param % len(CATEGORY_CODES)], province_code=regency.split(".")[0],
            regency_code=regency, reporter_token_hash="x", submitted_at=self.now, updated_at=self.now,
            agency_id=queue.agency_id, agency_path=queue.path, agency_name=queue.name,
            anonymous=bool(param % 2), confidential=bool(param % 5 == 0), reporter_name="Uji",
            deadlines={"verification": verification_deadline(self.now, regency.split(".")[0], LIMITS)},
        )
        return c

    def change(self, op: str, c: Complaint, param: int) -> tuple[Complaint, list[Event]]:
        now, options = self.now, targets(c, self.prefix)
        if op in {"forward", "auto_forward"}:
            target = options[param % len(options)]
            if op == "auto_forward":
                if c.status != "submitted":
                    raise ValueError("auto-forward only from the queue")
                return forward(c, target, now, LIMITS)
            return apply_action(c, NATIONAL_ADMIN, "forward", now, LIMITS, note="disposisi", target=target)
        if op == "return":
            province = province_coordinator(c.province_code).target()
            national = Target("kemenpanrb", ("kemenpanrb",))
            return apply_action(c, NATIONAL_ADMIN, "return", now, LIMITS, note="bukan wewenang",
                                return_queue=returns_destination(c, province, national))
        if op in {"reject", "respond", "request_info", "resolve"}:
            return apply_action(c, NATIONAL_ADMIN, op, now, LIMITS, note="catatan petugas")
        if op == "reply":
            return reporter_reply(c, now, "informasi tambahan dari pelapor")
        if op in {"accept", "reopen"}:
            return reporter_feedback(c, now, LIMITS, op, param % 5 + 1 if op == "accept" else None,
                                     "komentar pelapor")
        due = escalation.due_steps(c, now, LIMITS)
        if not due:
            raise ValueError("nothing due")
        changed, events, _ = escalation.apply_steps(c, due, now)
        return changed, events

    def original_for(self, c: Complaint, param: int) -> int:
        """An index of a report ``c`` may repeat: another open, non-duplicate report of its regency
        (when there is none, the walk still tries ``c`` itself, which the rules refuse)."""
        candidates = [n for n, r in enumerate(self.reports) if r.regency_code == c.regency_code
                      and r.tracking_id != c.tracking_id and r.duplicate_of is None and r.is_open]
        if not candidates:
            return self.reports.index(c)
        return candidates[param % len(candidates)]

    def duplicate(self, position: int, param: int) -> None:
        before = self.reports[position]
        at = self.original_for(before, param)
        original = self.reports[at]
        try:
            after, events = apply_action(before, NATIONAL_ADMIN, "mark_duplicate", self.now, LIMITS, original=original)
        except DomainError:
            return
        merged, merged_events = merge_duplicate(original, after, NATIONAL_ADMIN, self.now)
        saved = self.reports[position] = self.sink(before, after, events, (original, merged, merged_events))
        # the original was written by the same sink, its version moved as the duplicate's did
        self.reports[at] = merged.evolve(version=original.version + saved.version - after.version)
        self.touched.update(scopes_of(before))
        self.touched.update(scopes_of(after))
        self.applied += 1

    def step(self, op: str, index: int, param: int, hours: int) -> None:
        self.now += timedelta(hours=hours, minutes=param % 60)
        if op == "file" or not self.reports:
            c = self.new_report(param)
            self.reports.append(self.sink(None, c, [submitted_event(c)], None))
            self.touched.update(scopes_of(c))
            self.applied += 1
            return
        candidates = [n for n, r in enumerate(self.reports) if r.status in APPLIES_TO[op]]
        if not candidates:
            return
        position = candidates[index % len(candidates)]
        if op == "duplicate":
            self.duplicate(position, param)
            return
        before = self.reports[position]
        try:
            after, events = self.change(op, before, param)
        except (DomainError, ValueError):  # refused by the rules (a 409/403/422): the walk goes on
            return
        self.reports[position] = self.sink(before, after, events, None)
        self.touched.update(scopes_of(before))
        self.touched.update(scopes_of(after))
        self.applied += 1

    def run(self, walk: list[tuple[str, int, int, int]]) -> Walk:
        for op, index, param, hours in walk:
            self.step(op, index, param, hours)
        return self

"""Open311 GeoReport v2 use cases: list and read service requests, file one (SPEC §7 ``/open311/v2``).

Reading never scans: a listing is one Query per page on ``scope0-index`` (every report; its range
key is the UTC filing time), newest first, within the requested window (90 days at most, the last
90 by default), at most ``MAX_REQUESTS`` requests and ``MAX_PAGES`` pages. Filing requires an
``api_key`` issued with the ``open311`` role and goes through ``submit.submit``: a report filed
through Open311 is an ordinary report (routing, clocks, notifications).

Location: GeoReport accepts ``lat``/``long``, ``address_string`` or ``address_id``. ``lat``/``long``
alone are enough (SPEC §12): the regency that holds the point routes the report. A request may also
name its regency as ``attribute[regency_code]`` (or ``regency_code``), or as ``address_id`` (our
address ids are the Kemendagri regency codes); with a point too, the point must lie in that
regency's province. ``address_string`` is kept as the report's address. Neither a point nor a
regency: 400. ``media_url`` (https only) is kept and shown with the report unless it is confidential.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters import clock
from chalicelib.domain import open311
from chalicelib.domain.complaint import NATIONAL_AGENCY_ID, Complaint
from chalicelib.domain.names import Role
from chalicelib.domain.reference import CATEGORY_CODES, regions
from chalicelib.errors import DomainError, NotFound, RateLimited, Unauthorized, ValidationFailed
from chalicelib.models import ComplaintModel
from chalicelib.models.mapping import from_model, utc_key
from chalicelib.services import keys, limits, reports, submit

Open311Error = open311.Open311Error
WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_IDS = 100
PAGE_SIZE = 250
MAX_PAGES = 20
# Our validation field names -> the names an Open311 client sent.
_FIELD_NAMES = {"latitude": "lat", "longitude": "long", "address": "address_string", "category": "service_code",
                "reporter.email": "email", "reporter.phone": "phone", "reporter.name": "first_name/last_name",
                "regency_code": "attribute[regency_code]", "province_code": "attribute[province_code]",
                "kind": "attribute[kind]", "title": "attribute[title]", "incident_date": "attribute[incident_date]",
                "media_url": "media_url"}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _parse_time(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Error.of(400, f"{name} must be a W3C date-time, e.g. 2026-02-01T00:00:00+07:00") from None
    if moment.tzinfo is None:
        raise Open311Error.of(400, f"{name} must include a time zone (Z or +07:00)")
    return moment


def window(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The spec's range: the last 90 days by default, never more than 90 days."""
    first = _parse_time(start, "start_date") if start else None
    last = _parse_time(end, "end_date") if end else None
    if first is None and last is None:
        return now - WINDOW, now
    if first is None:
        first = last - WINDOW
    if last is None:
        last = first + WINDOW
    if first > last:
        raise Open311Error.of(400, "start_date must not be after end_date")
    if last - first > WINDOW:
        raise Open311Error.of(400, "the range between start_date and end_date may not span more than 90 days")
    return first, last


def _filters(params: dict[str, str]) -> Any:
    codes = _split(params.get("service_code"))
    unknown = [code for code in codes if code not in CATEGORY_CODES]
    if unknown:
        raise Open311Error.of(400, *(f"service_code {code} was not found: see services" for code in unknown))
    wanted = _split(params.get("status"))
    if any(s not in {"open", "closed"} for s in wanted):
        raise Open311Error.of(400, "status must be open, closed or both (comma delimited)")
    condition = None
    if codes:
        condition = ComplaintModel.category.is_in(*codes)
    if wanted and set(wanted) != {"open", "closed"}:
        statuses = open311.OPEN_STATUSES if wanted == ["open"] else open311.CLOSED_STATUSES
        by_status = ComplaintModel.status.is_in(*(str(s) for s in statuses))
        condition = by_status if condition is None else condition & by_status
    return condition


def _by_ids(ids: list[str]) -> list[dict[str, Any]]:
    if len(ids) > MAX_IDS:
        raise Open311Error.of(400, f"at most {MAX_IDS} service_request_id at once")
    found = []
    for tracking_id in dict.fromkeys(ids):
        try:
            found.append(open311.service_request(reports.load(tracking_id)))
        except NotFound:
            continue
    return found


def list_requests(params: dict[str, str]) -> list[dict[str, Any]]:
    """GET requests: by ids (which override every other argument), or by window and filters."""
    ids = _split(params.get("service_request_id"))
    if ids:
        return _by_ids(ids)
    condition = _filters(params)
    first, last = window(params.get("start_date"), params.get("end_date"), clock.now())
    key_range = ComplaintModel.submitted_key.between(utc_key(first), utc_key(last) + "#~")
    found: list[Complaint] = []
    start = None
    # A throttled Query propagates: the handler's one mapping answers it 429 with Retry-After.
    for _ in range(MAX_PAGES):
        result = ComplaintModel.scope0_index.query(
            NATIONAL_AGENCY_ID, range_key_condition=key_range, filter_condition=condition,
            scan_index_forward=False, page_size=min(PAGE_SIZE, MAX_REQUESTS - len(found)),
            last_evaluated_key=start)
        raw = next(result.page_iter)
        found.extend(from_model(ComplaintModel.from_raw_data(item)) for item in raw.get("Items", []))
        start = result.page_iter.last_evaluated_key
        if not start or len(found) >= MAX_REQUESTS:
            break
    return [open311.service_request(c) for c in found[:MAX_REQUESTS]]


def get_request(tracking_id: str) -> list[dict[str, Any]]:
    try:
        return [open311.service_request(reports.load(tracking_id))]
    except NotFound:
        raise Open311Error.of(404, f"service_request_id {tracking_id} was not found") from None


def service_definition(code: str) -> dict[str, Any]:
    if code not in CATEGORY_CODES:
        raise Open311Error.of(404, f"service_code {code} was not found: see services")
    return open311.service_definition(code)


# --- filing -------------------------------------------------------------------------------------------

def require_key(api_key: str | None) -> None:
    """403 for a missing, unknown or revoked key, or one without the open311 role (the spec's code)."""
    if not api_key:
        raise Open311Error.of(403, "api_key was not provided")
    try:
        actor = keys.resolve(api_key.strip())
    except Unauthorized:
        raise Open311Error.of(403, "invalid api_key") from None
    if actor.role != Role.OPEN311:
        raise Open311Error.of(403, "this api_key may not file Open311 requests (role open311 required)")


def _title_from(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    if len(first_line) <= 100:
        return first_line
    cut = first_line[:100].rsplit(" ", 1)[0] or first_line[:100]
    return cut + "…"


def single_values(params: dict[str, list[str]]) -> None:
    """A parameter given twice is 400, never "the last one wins" (a multivaluelist attribute,
    ``attribute[code][]``, may repeat)."""
    repeated = sorted(name for name, values in params.items() if len(values) > 1 and not name.endswith("[]"))
    if repeated:
        raise Open311Error.of(400, *(f"{name} was given more than once; send it once (several values: "
                                     "comma delimited)" for name in repeated))


def _incident_date(value: str | None) -> str | None:
    """Declared as a ``datetime`` (the specification has no date type): a W3C date-time gives its
    own calendar day; a plain date (YYYY-MM-DD) is taken as it is."""
    if value is None or "T" not in value:
        return value
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return value  # the filing's own check names the field


def to_submission(form: dict[str, list[str]]) -> dict[str, Any]:
    """An Open311 form -> our filing body (SPEC §3 fields)."""
    from chalicelib.domain import bodies  # pydantic: loaded with the first filing, not on the cold start

    single_values(form)
    request = bodies.geo_report(form)
    if not request.service_code:
        raise Open311Error.of(400, "service_code was not provided")
    if request.service_code not in CATEGORY_CODES:
        raise Open311Error.of(404, f"service_code {request.service_code} was not found: see services")
    regency = request.regency
    if not regency and not (request.lat and request.long):
        raise Open311Error.of(400, "missing location: send lat and long, or the regency/city as "
                                   "attribute[regency_code] or address_id (a Kemendagri code such as 73.71)")
    known = regions().regencies.get(regency) if regency else None
    if regency and known is None:
        raise Open311Error.of(400, f"address_id/regency_code {regency} is not a known regency/city code")
    description = request.description or ""
    data: dict[str, Any] = {
        "kind": request.kind or "complaint",
        "title": request.title or _title_from(description),
        "description": description,
        "category": request.service_code,
        "province_code": request.attribute_province_code or request.province_code or (known and known.province_code),
        "regency_code": regency,
        "address": request.address_string,
        "latitude": request.lat,
        "longitude": request.long,
        "media_url": request.media_url,
        "incident_date": _incident_date(request.incident_date),
        "anonymous": request.flagged_anonymous,
        "confidential": request.flagged_confidential,
        "reporter": {key: value for key, value in (("name", request.reporter_name), ("email", request.email),
                                                   ("phone", request.phone)) if value},
    }
    return {key: value for key, value in data.items() if value not in (None, "")}


def create_request(form: dict[str, list[str]], api_key: str | None) -> tuple[list[dict[str, Any]], str]:
    """POST requests: the GeoReport answer, and the reporter token (for the client to keep)."""
    require_key(api_key)
    limits.hit("open311", "key", api_key, clock.now())  # 429 with Retry-After, in GeoReport's error shape
    data = to_submission(form)
    try:
        receipt = submit.submit(data)
    except ValidationFailed as error:
        raise Open311Error.of(400, *(f"{_FIELD_NAMES.get(field, field)}: {message}"
                                     for field, message in error.fields.items())) from None
    except RateLimited:
        raise
    except DomainError as error:
        if error.status == 429 or error.status >= 500:
            raise  # busy or rate-limited: the handler keeps the status and its Retry-After
        raise Open311Error.of(400, error.message) from None
    due = receipt["deadlines"].get("verification")
    notice = "Laporan diterima dan akan diverifikasi" + (f" paling lambat {due}" if due else "") + "."
    return [{"service_request_id": receipt["tracking_id"], "service_notice": notice, "account_id": None}], \
        receipt["reporter_token"]

"""National admin: the agency directory, routing rules and API keys (SPEC §7 ``/admin/…``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.adapters import clock, webhook
from chalicelib.domain import bodies
from chalicelib.domain.agencies import LEVELS, NOTIFY_DAILY, NOTIFY_IMMEDIATE, PARENT_LEVELS, SLUG, time_zone
from chalicelib.domain.reference import regions
from chalicelib.errors import Conflict, NotFound, Problem, StaleVersion, ValidationFailed
from chalicelib.models import AgencyModel, ApiKeyModel, RoutingRuleModel
from chalicelib.services import directory, keys


class AgencyChanges(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=3, max_length=200)
    emails: list[str] | None = Field(default=None, max_length=10)
    webhook_url: str | None = None
    webhook_secret: Any = None  # refused below: the server makes the secret (SPEC §11)
    notify: Literal["immediate", "daily"] | None = None

    @field_validator("emails")
    @classmethod
    def _emails(cls, v: list[str] | None) -> list[str] | None:
        from email_validator import EmailNotValidError, validate_email

        if v is None:
            return v
        try:
            return [validate_email(e, check_deliverability=False).normalized for e in v]
        except EmailNotValidError:
            raise ValueError("each must be a valid e-mail address") from None

    @field_validator("name", "emails", mode="before")
    @classmethod
    def _not_null(cls, v: Any) -> Any:
        if v is None:  # a directory entry without a name breaks every page that lists it
            raise ValueError("required: it cannot be removed")
        return v

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v:
            try:
                webhook.check(v)  # https, public addresses only: checked now and at every delivery
            except webhook.UnsafeWebhookUrl as error:
                raise ValueError(str(error)) from None
        return v or None

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret(cls, v: Any) -> None:
        raise ValueError("the server makes the secret: it comes with the webhook_url, "
                         "and POST /admin/agencies/{id}/webhook-secret makes a new one")


class NewAgency(AgencyChanges):
    agency_id: str
    name: str = Field(min_length=3, max_length=200)
    level: str
    parent_id: str
    province_code: str | None = None
    regency_code: str | None = None

    @field_validator("agency_id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("lowercase letters, digits and dashes")
        return v

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in LEVELS or v == "national":
            raise ValueError(f"one of {', '.join(LEVELS[1:])}")
        return v


def _region_of(new: NewAgency, parent: AgencyModel) -> tuple[str | None, str | None]:
    """The new agency's province and regency: inside its parent's, and present where its level
    needs them (a province government has a province; a regency government and its units a regency)."""
    province = new.province_code or parent.province_code
    regency = new.regency_code or parent.regency_code
    fields: dict[str, str] = {}
    if province and province not in regions().provinces:
        fields["province_code"] = "unknown province code"
    elif parent.province_code and province != parent.province_code:
        fields["province_code"] = "must be the parent agency's province"
    elif new.level == "province" and not province:
        fields["province_code"] = "required for a province agency"
    known = regions().regencies.get(regency) if regency else None
    if regency and known is None:
        fields["regency_code"] = "unknown regency/city code"
    elif parent.regency_code and regency != parent.regency_code:
        fields["regency_code"] = "must be the parent agency's regency/city"
    elif known is not None and province and known.province_code != province:
        fields["regency_code"] = "this regency/city is not in the agency's province"
    elif new.level == "regency" and not regency:
        fields["regency_code"] = "required for a regency/city agency"
    if fields:
        raise ValidationFailed("the agency's region is not valid", fields=fields)
    if known is not None and not province:
        province = known.province_code
    return province, regency


def create_agency(data: Any) -> dict[str, Any]:
    try:
        new = NewAgency.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed("the agency is not valid", fields=bodies.pydantic_messages(error)) from None
    try:
        parent = directory.get_agency(new.parent_id)
    except NotFound:
        raise ValidationFailed("unknown parent", fields={"parent_id": "unknown agency"}) from None
    if parent.level not in PARENT_LEVELS[new.level]:
        raise ValidationFailed("wrong parent", fields={
            "parent_id": f"a {new.level} sits under a {' or '.join(sorted(PARENT_LEVELS[new.level]))}"})
    province, regency = _region_of(new, parent)
    secret = webhook.new_secret() if new.webhook_url else None
    model = AgencyModel(new.agency_id, name=new.name, level=new.level, parent_id=parent.agency_id,
                        path=[*parent.path, new.agency_id], province_code=province, regency_code=regency,
                        emails=new.emails or [], webhook_url=new.webhook_url, webhook_secret=secret,
                        notify=new.notify or NOTIFY_IMMEDIATE,
                        digest_zone=time_zone(province) if new.notify == NOTIFY_DAILY else None,
                        updated_at=clock.now().isoformat(), version=1)
    try:
        model.save(condition=AgencyModel.agency_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(Problem("agency_exists",
                                   f"agency {new.agency_id} already exists", agency_id=new.agency_id)) from None
        raise
    return _shown_once(directory.agency_to_dict(model), secret)


def _shown_once(answer: dict[str, Any], secret: str | None) -> dict[str, Any]:
    """The webhook secret is in the answer that made it, and in no other."""
    return {**answer, "webhook_secret": secret} if secret else answer


def update_agency(agency_id: str, data: Any) -> dict[str, Any]:
    """Name, e-mails and webhook can change; the place in the hierarchy cannot (reports keep it)."""
    if isinstance(data, dict) and set(data) & {"level", "parent_id", "province_code", "regency_code"}:
        raise ValidationFailed("the hierarchy cannot change", fields={
            k: "cannot change: create a new agency" for k in set(data) & {"level", "parent_id",
                                                                         "province_code", "regency_code"}})
    try:
        changes = AgencyChanges.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed("the changes are not valid", fields=bodies.pydantic_messages(error)) from None
    try:
        model = AgencyModel.get(agency_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(Problem("no_agency", f"no agency {agency_id}", agency_id=agency_id)) from None
    given = changes.model_dump(exclude_unset=True)
    updates = [getattr(AgencyModel, k).set(v) for k, v in given.items() if not (k == "notify" and v is None)]
    if changes.notify == NOTIFY_DAILY:  # the digest-index key: the agency's own time zone
        updates.append(AgencyModel.digest_zone.set(time_zone(model.province_code)))
    elif changes.notify == NOTIFY_IMMEDIATE:
        updates.append(AgencyModel.digest_zone.remove())
    secret = None
    if given.get("webhook_url") and not webhook.is_secret(model.webhook_secret):
        secret = webhook.new_secret()  # a webhook never goes out unsigned
        updates.append(AgencyModel.webhook_secret.set(secret))
    elif "webhook_url" in given and given["webhook_url"] is None:
        updates += [AgencyModel.webhook_secret.remove(), AgencyModel.webhook_previous_secret.remove(),
                    AgencyModel.webhook_previous_until.remove()]
    if not updates:
        return directory.agency_to_dict(model)
    updates += [AgencyModel.version.set(model.version + 1), AgencyModel.updated_at.set(clock.now().isoformat())]
    try:
        model.update(actions=updates, condition=AgencyModel.version == model.version)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise StaleVersion(Problem("agency_changed", "the agency was changed by someone else; retry")) from None
        raise
    return _shown_once(directory.agency_to_dict(model), secret)


def rotate_webhook_secret(agency_id: str, previous_valid_hours: str | None = None) -> dict[str, Any]:
    """A new ``whsec_`` secret for the agency's webhook, shown in this answer only (SPEC §11).

    The old one goes on signing beside it for ``previous_valid_hours`` (default 24, at most 72):
    each delivery carries both signatures (Standard Webhooks' space-separated list), so the
    receiver can switch to the new secret without losing a message. ``0`` stops the old one at
    once, for a secret that leaked."""
    hours = webhook.PREVIOUS_SECRET_HOURS
    if previous_valid_hours not in (None, ""):
        if not (previous_valid_hours.isdigit() and 0 <= int(previous_valid_hours) <= webhook.MAX_PREVIOUS_SECRET_HOURS):
            raise ValidationFailed("previous_valid_hours is not valid", fields={"previous_valid_hours": Problem(
                "whole_number_range", f"a whole number of hours, 0–{webhook.MAX_PREVIOUS_SECRET_HOURS}",
                min=0, max=webhook.MAX_PREVIOUS_SECRET_HOURS)})
        hours = int(previous_valid_hours)
    try:
        model = AgencyModel.get(agency_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(Problem("no_agency", f"no agency {agency_id}", agency_id=agency_id)) from None
    if not model.webhook_url:
        raise Conflict(Problem("no_webhook", "this agency has no webhook: set webhook_url first"))
    secret, now = webhook.new_secret(), clock.now()
    until = now + timedelta(hours=hours) if hours and webhook.is_secret(model.webhook_secret) else None
    keep = ([AgencyModel.webhook_previous_secret.set(model.webhook_secret),
             AgencyModel.webhook_previous_until.set(until.isoformat(timespec="seconds"))] if until else
            [AgencyModel.webhook_previous_secret.remove(), AgencyModel.webhook_previous_until.remove()])
    try:
        model.update(actions=[AgencyModel.webhook_secret.set(secret), *keep,
                              AgencyModel.version.set(model.version + 1), AgencyModel.updated_at.set(now.isoformat())],
                     condition=AgencyModel.version == model.version)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise StaleVersion(Problem("agency_changed", "the agency was changed by someone else; retry")) from None
        raise
    return {"agency_id": agency_id, "webhook_secret": secret,
            "previous_valid_until": until.isoformat(timespec="seconds") if until else None}


def put_rule(data: Any) -> dict[str, Any]:
    rule = bodies.routing_rule(data)
    region, category, agency_id = rule.region_code, rule.category, rule.agency_id
    try:
        directory.get_agency(agency_id)
    except NotFound:
        raise ValidationFailed("unknown agency", fields={"agency_id": "unknown agency"}) from None
    RoutingRuleModel(region, category, agency_id=agency_id, updated_at=clock.now().isoformat()).save()
    return {"region_code": region, "category": category, "agency_id": agency_id}


def list_rules(region_code: str | None) -> dict[str, Any]:
    if not region_code:
        raise ValidationFailed("region_code is required", fields={"region_code": "required"})
    return {"routing_rules": [{"region_code": r.region_code, "category": r.category, "agency_id": r.agency_id}
                              for r in RoutingRuleModel.query(region_code)]}


def delete_rule(region_code: str, category: str) -> None:
    try:
        RoutingRuleModel.get(region_code, category).delete()
    except DoesNotExist:
        raise NotFound(Problem("no_routing_rule", "no such routing rule")) from None


def issue_key(data: Any) -> dict[str, Any]:
    request = bodies.key_request(data)
    return keys.issue(str(request.role), request.agency_id, label=request.label)


def list_keys(agency_id: str | None) -> dict[str, Any]:
    if not agency_id:
        raise ValidationFailed("agency_id is required", fields={"agency_id": "required"})
    return {"keys": [{"key_id": k.key_id, "role": k.role, "agency_id": k.agency_id, "label": k.label,
                      "created_at": k.created_at, "revoked_at": k.revoked_at}
                     for k in ApiKeyModel.agency_index.query(agency_id)]}

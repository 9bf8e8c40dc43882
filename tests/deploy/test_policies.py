"""The per-function IAM policies allow every AWS call the functions make, and no function calls
outside its own policy.

Every botocore call is recorded with the function that made it (the API, the
forwarder, the notifier, the sweep, the notification retries) while a report goes through its life
on the moto server; each call is then checked against that function's policy in
``.chalice/policies/``, its ``Fn::GetAtt``/``Fn::Sub`` resolved against the merge template of the
prod stage (``deploy/template.py``) with the test's table, bucket and queue names mapped onto it.
"""

from __future__ import annotations

import contextvars
import fnmatch
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import botocore.client
import pytest

from tests.factories import valid_report
from tests.fixtures import body
from tests.staff import MAKASSAR, act, file_report

ROOT = Path(__file__).resolve().parents[2]
REGION, ACCOUNT, STACK, SENDER = "ap-southeast-3", "123456789012", "sp4n-lapor-prod", "no-reply@lapor.example.go.id"
FUNCTION: contextvars.ContextVar[str | None] = contextvars.ContextVar("function", default=None)


# -- the policies, resolved -------------------------------------------------------------------

class Stack:
    """Just enough of CloudFormation to turn the policies' references into ARNs."""

    def __init__(self) -> None:
        from deploy.template import build

        self.resources = build("prod")["Resources"]
        self.parameters = {"SenderEmail": SENDER}

    def _name(self, lid: str) -> str:
        props = self.resources[lid]["Properties"]
        key = {"AWS::DynamoDB::Table": "TableName", "AWS::SQS::Queue": "QueueName",
               "AWS::S3::Bucket": "BucketName", "AWS::Cognito::UserPool": "UserPoolName",
               "AWS::SES::ConfigurationSet": "Name"}[self.resources[lid]["Type"]]
        return self.resolve(props[key])

    def attribute(self, lid: str, attribute: str) -> str:
        if self.resources[lid]["Type"] == "AWS::KMS::Key":
            return {"Arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{lid}"}[attribute]
        kind, name = self.resources[lid]["Type"], self._name(lid)
        if kind == "AWS::DynamoDB::Table":
            arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
            return {"Arn": arn, "StreamArn": f"{arn}/stream/*"}[attribute]
        if kind == "AWS::SQS::Queue":
            return {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}", "QueueName": name}[attribute]
        if kind == "AWS::Cognito::UserPool":
            return {"Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{name}"}[attribute]
        return {"Arn": f"arn:aws:s3:::{name}"}[attribute]

    def _sub(self, text: str, extra: dict[str, Any]) -> str:
        def one(match: re.Match) -> str:
            token = match.group(1)
            pseudo = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                      "AWS::StackName": STACK}
            if token in pseudo:
                return pseudo[token]
            if token in extra:
                return self.resolve(extra[token])
            if "." in token:
                return self.attribute(*token.split(".", 1))
            return self.resolve({"Ref": token})

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        (fn, arg), = value.items()
        if fn == "Ref":
            return self.parameters[arg] if arg in self.parameters else self._name(arg)
        if fn == "Fn::GetAtt":
            return self.attribute(*arg)
        if fn == "Fn::Sub":
            text, extra = (arg, {}) if isinstance(arg, str) else arg
            return self._sub(text, extra)
        if fn == "Fn::Split":
            return self.resolve(arg[1]).split(arg[0])
        if fn == "Fn::Select":
            return self.resolve(arg[1])[int(arg[0])]
        raise AssertionError(f"cannot resolve {value}")


def policies() -> dict[str, list[tuple[set[str], list[str]]]]:
    stack = Stack()
    out = {}
    for path in sorted((ROOT / ".chalice" / "policies").glob("*.json")):
        statements = json.loads(path.read_text())["Statement"]
        out[path.stem] = [({a.lower() for a in _list(s["Action"])}, [stack.resolve(r) for r in _list(s["Resource"])])
                          for s in statements if s["Effect"] == "Allow"]
    return out


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def allowed(policy: list[tuple[set[str], list[str]]], action: str, resource: str) -> bool:
    return any(action.lower() in actions and any(fnmatch.fnmatchcase(resource, r) for r in resources)
               for actions, resources in policy)


# -- recording what the functions call --------------------------------------------------------

def _names() -> dict[str, str]:
    """The test's resource names -> the prod stack's."""
    from chalicelib.config import TABLES, get_settings

    settings, stack = get_settings(), Stack()
    names = {settings.table(t): stack._name(f"{''.join(p.capitalize() for p in t.split('_'))}Table") for t in TABLES}
    names[settings.attachments_bucket] = stack._name("AttachmentsBucket")
    names[settings.notifications_dlq] = stack._name("NotificationsDeadLetterQueue")
    # the pool is named by its id in calls, by its app client in the sign-in calls
    names[settings.user_pool_id] = names[settings.user_pool_client_id] = stack._name("StaffUserPool")
    names[settings.reporter_token_key] = stack.attribute("ReporterTokenKey", "Arn")
    return names


def _table(name: str, names: dict[str, str]) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{names.get(name, name)}"


_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


def needs(service: str, operation: str, params: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    """The IAM (action, resource) pairs one API call needs."""
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            return [(f"dynamodb:{_TRANSACT[kind]}", _table(op["TableName"], names))
                    for item in params["TransactItems"] for kind, op in item.items()]
        if operation == "TransactGetItems":
            return [("dynamodb:GetItem", _table(item["Get"]["TableName"], names)) for item in params["TransactItems"]]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [(f"dynamodb:{operation}", _table(t, names)) for t in params["RequestItems"]]
        arn = _table(params["TableName"], names)
        if params.get("IndexName"):
            arn += f"/index/{params['IndexName']}"
        return [(f"dynamodb:{operation}", arn)]
    if service == "s3":
        action = {"HeadObject": "GetObject"}.get(operation, operation)
        bucket = names.get(params["Bucket"], params["Bucket"])
        return [(f"s3:{action}", f"arn:aws:s3:::{bucket}/{params['Key']}" if "Key" in params else
                 f"arn:aws:s3:::{bucket}")]
    if service == "sqs":
        queue = params.get("QueueName") or urlsplit(params["QueueUrl"]).path.rsplit("/", 1)[-1]
        return [(f"sqs:{operation}", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{names.get(queue, queue)}")]
    if service == "cognito-idp":
        pool = params.get("UserPoolId") or params.get("ClientId")
        if pool is None:  # AssociateSoftwareToken / VerifySoftwareToken go by the sign-in's session
            from chalicelib.config import get_settings

            pool = get_settings().user_pool_id
        arn = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{names.get(pool, pool)}"
        return [(f"cognito-idp:{operation}", arn)]
    if service == "kms":
        return [(f"kms:{operation}", names.get(params["KeyId"], params["KeyId"]))]
    if service == "ses":
        return [(f"ses:{operation}", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{params['Source']}")]
    return [(f"{service}:{operation}", "*")]


@pytest.fixture
def recorded(monkeypatch) -> list[tuple[str, str, str, dict]]:
    calls: list[tuple[str, str, str, dict]] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation_name, api_params):
        function = FUNCTION.get()
        if function:
            calls.append((function, self.meta.service_model.service_name, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", record)
    return calls


@contextmanager
def running(function: str) -> Iterator[None]:
    token = FUNCTION.set(function)
    try:
        yield
    finally:
        FUNCTION.reset(token)


def pump_as_lambda(pump) -> None:
    """The streams' batches, each handled by its function (reading the stream is Lambda's job)."""
    for _ in range(20):
        handed = 0
        for name, reader in pump.readers.items():
            records = reader.read()
            if records:
                with running(name):
                    pump.invoke(name, records)
                handed += len(records)
        if not handed:
            return


# -- the life of a report ---------------------------------------------------------------------

def _post(client, path: str, payload: dict, headers: dict | None = None):
    return client.http.post(path, headers={"Content-Type": "application/json", **(headers or {})},
                            body=json.dumps(payload))


def _staff_accounts(client, national: dict[str, str], tid: str) -> None:
    from devtools import totp

    made = body(_post(client, "/admin/users", {"email": "policy.officer@makassar.go.id", "name": "Petugas Uji",
                                               "role": "coordinator", "agency_id": MAKASSAR}, national))
    step = body(_post(client, "/staff/session", {"email": made["email"], "password": made["temporary_password"]}))
    step = body(_post(client, "/staff/session/challenge", {"challenge_session": step["challenge_session"],
                                                           "challenge": step["challenge"],
                                                           "new_password": "Kebijakan-Uji-2026"}))
    done = _post(client, "/staff/session/challenge", {"challenge_session": step["challenge_session"],
                                                      "challenge": step["challenge"],
                                                      "code": totp.code(step["secret_code"])})
    assert done.status_code == 201, done.body
    cookie = done.headers["Set-Cookie"].split(";")[0]
    browser = {"Cookie": cookie, "X-CSRF-Token": body(done)["csrf_token"]}
    assert client.http.get(f"/agency/complaints/{tid}", headers=browser).status_code == 200
    assert client.http.get("/staff/session", headers=browser).status_code == 200
    again = body(_post(client, "/staff/session", {"email": made["email"], "password": "Kebijakan-Uji-2026"}))
    _post(client, "/staff/session/challenge", {**again, "code": totp.code(step["secret_code"])})
    assert client.http.get(f"/admin/users?agency_id={MAKASSAR}", headers=national).status_code == 200
    for change in ({"name": "Petugas Uji Dua"}, {"agency_id": "dinas-kesehatan-kota-makassar"},
                   {"role": "officer"}, {"enabled": False}, {"enabled": True}):
        changed = client.http.patch(f"/admin/users/{made['user_id']}", headers=national, body=json.dumps(change))
        assert changed.status_code == 200, (change, changed.body)
    assert _post(client, f"/admin/users/{made['user_id']}/reset-mfa", {}, national).status_code == 200
    assert client.http.delete("/staff/session", headers=browser).status_code == 204

def test_every_call_of_every_function_is_allowed_by_its_own_policy(client, staff, pump, recorded, clock_at,
                                                                   outbox_path):
    from chalicelib.adapters import clock
    from chalicelib.handlers import scheduled
    from devtools.workers import SCHEDULED_EVENT

    national, coordinator = staff.national(), staff.headers("coordinator", MAKASSAR)
    officer = staff.headers("officer", "dinas-kesehatan-kota-makassar")
    # Given staff keys issued before we listen (the admin API issues one below too)
    with running("api_handler"):
        # When a report is filed (idempotently), looked at, and worked on by staff and reporter
        receipt = file_report(client, category="health")
        again = client.http.post("/complaints", body=json.dumps(valid_report(category="health")),
                                 headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        assert again.status_code == 201, again.body
        tid, token = receipt["tracking_id"], receipt["reporter_token"]
        client.http.get(f"/complaints/{tid}")
        client.http.get(f"/complaints/{tid}", headers={"X-Reporter-Token": token})
        client.http.get(f"/complaints/{tid}/timeline")
        client.http.post("/attachments", headers={"Content-Type": "application/json"},
                         body=json.dumps({"filename": "foto.jpg", "content_type": "image/jpeg", "size": 1000}))
        # a report filed at a point, found nearby and supported (SPEC §12)
        placed = client.http.post("/complaints", headers={"Content-Type": "application/json"}, body=json.dumps(
            valid_report(category="health", latitude=-5.1436, longitude=119.4075)))
        assert placed.status_code == 201, placed.body
        nearby = client.http.get("/complaints/nearby?lat=-5.1437&long=119.4076&category=health")
        assert body(placed)["tracking_id"] in [r["tracking_id"] for r in body(nearby)["reports"]]
        supported = client.http.post(f"/complaints/{body(placed)['tracking_id']}/support",
                                     headers={"Idempotency-Key": uuid.uuid4().hex})
        assert supported.status_code == 201, supported.body
        # and a coordinator marks another report a duplicate of it (both read in one BatchGetItem)
        again = file_report(client, category="health")["tracking_id"]
        assert act(client, coordinator, again, "mark_duplicate",
                   duplicate_of=body(placed)["tracking_id"]).status_code == 200
        # a report whose reporter asks for the token by e-mail (sealed with the token key)
        tokened = file_report(client, reporter={"name": "Warga", "email": "token.policy@example.com"},
                              token_by_email=True)
        for path in ("/categories", "/regions", "/regions/73", "/agencies?regency_code=73.71", "/stats",
                     "/stats?scope=province:73", "/regions/locate?lat=-5.1436&long=119.4075"):
            assert client.http.get(path).status_code == 200, path
    pump_as_lambda(pump)
    with running("api_handler"):
        # the reporter confirms the address: the sealed token is queued, then mailed by the notifier
        [ask] = [m for m in map(json.loads, outbox_path.read_text().splitlines())
                 if m.get("tracking_id") == tokened["tracking_id"] and "/confirm-email" in m.get("text", "")]
        link = re.search(r"/confirm-email\?token=([^&\s]+)", ask["text"]).group(1)
        assert _post(client, "/confirm-email", {"token": link}).status_code == 200
    pump_as_lambda(pump)
    assert tokened["reporter_token"] in outbox_path.read_text()
    with running("api_handler"):
        for headers in (officer, coordinator, national):
            assert client.http.get("/agency/complaints?limit=5", headers=headers).status_code == 200
            client.http.get("/agency/stats", headers=headers)
        assert client.http.get(f"/agency/complaints/{tid}", headers=officer).status_code == 200
        # a coordinator re-disposes it and back (forward reads report + agency in one BatchGetItem)
        for unit in ("dinas-pupr-kota-makassar", "dinas-kesehatan-kota-makassar"):
            assert act(client, coordinator, tid, "forward", agency_id=unit).status_code == 200
        assert act(client, officer, tid, "request_info", note="Mohon foto lokasi").status_code == 200
        client.http.post(f"/complaints/{tid}/replies", headers={"X-Reporter-Token": token,
                                                                "Content-Type": "application/json"},
                         body=json.dumps({"message": "Foto menyusul, lokasi di Jl. Veteran."}))
        assert act(client, officer, tid, "respond", note="Petugas sudah meninjau").status_code == 200
        assert act(client, officer, tid, "resolve", note="Jam buka kembali normal").status_code == 200
        client.http.post(f"/complaints/{tid}/feedback", headers={"X-Reporter-Token": token,
                                                                 "Content-Type": "application/json"},
                         body=json.dumps({"decision": "reopen", "comment": "Masih tutup siang"}))
        # And the national admin manages the directory and keys
        unit = {"agency_id": "dinas-policy-test", "name": "Dinas Uji Kebijakan", "level": "unit",
                "parent_id": MAKASSAR, "emails": ["uji@makassar.example.go.id"]}
        client.http.post("/admin/agencies", headers=national, body=json.dumps(unit))
        client.http.put("/admin/agencies/dinas-policy-test", headers=national,
                        body=json.dumps({"name": "Dinas Uji", "notify": "daily"}))
        file_report(client, category="environment", target_agency_id="dinas-policy-test")
        client.http.post("/admin/routing-rules", headers=national, body=json.dumps(
            {"region_code": "73.71", "category": "environment", "agency_id": "dinas-policy-test"}))
        client.http.get("/admin/routing-rules?region_code=73.71", headers=national)
        client.http.delete("/admin/routing-rules/73.71/environment", headers=national)
        key = body(client.http.post("/admin/keys", headers=national, body=json.dumps(
            {"role": "officer", "agency_id": "dinas-policy-test", "label": "uji"})))
        client.http.get("/admin/keys?agency_id=dinas-policy-test", headers=national)
        client.http.delete(f"/admin/keys/{key['key_id']}", headers=national)
        client.http.get("/agency/complaints", headers={"Authorization": "Bearer lpr_00000000_" + "x" * 40})
        # And participation and the monthly evaluation (SPEC §14): what agencies hold, their accounts,
        # counters and day markers
        for path in ("/agency/participation?limit=5", "/agency/evaluation"):
            assert client.http.get(path, headers=coordinator).status_code == 200, path
        # And staff accounts: one made, taken through its first sign-in, used, changed and signed out
        _staff_accounts(client, national, tid)
    pump_as_lambda(pump)
    # And later the sweep and the notification retries run on their schedules
    clock_at(clock.now() + timedelta(days=12))
    with running("sweep"):
        scheduled.run_sweep(SCHEDULED_EVENT, None)
    with running("retry_notifications"):
        scheduled.retry_notifications(SCHEDULED_EVENT, None)
    pump_as_lambda(pump)
    # And the next 07:00 in Makassar the daily digests go out, also to a city's and a province's
    # coordinators (who read the silent agencies below them there, SPEC §14)
    with running("api_handler"):
        for coordinator_id in (MAKASSAR, "pemprov-sulawesi-selatan"):
            changed = client.http.patch(f"/admin/agencies/{coordinator_id}", headers=national,
                                        body=json.dumps({"notify": "daily"}))
            assert changed.status_code == 200, changed.body
    local = clock.now().astimezone(ZoneInfo("Asia/Makassar"))
    clock_at(datetime.combine(local.date() + timedelta(days=1), time(7, 0, 5), tzinfo=local.tzinfo))
    with running("send_digests"):
        assert scheduled.send_digests(SCHEDULED_EVENT, None)["sent"] >= 1
    pump_as_lambda(pump)
    # And SES reports a bounce through SNS: the suppression list
    with running("ses_events"):
        client.lambda_.invoke("ses_events", client.events.generate_sns_event(message=json.dumps({
            "eventType": "Bounce", "bounce": {"bounceType": "Permanent",
                                              "bouncedRecipients": [{"emailAddress": "hilang@example.com"}]}})))

    # Then every function called something, and only what its policy allows
    names, allowed_by = _names(), policies()
    by_function: dict[str, set[tuple[str, str]]] = {}
    for function, service, operation, params in recorded:
        by_function.setdefault(function, set()).update(needs(service, operation, params, names))
    assert set(by_function) == set(allowed_by), set(by_function) ^ set(allowed_by)
    denied = {function: sorted(need for need in wanted if not allowed(allowed_by[function], *need))
              for function, wanted in by_function.items()}
    assert not any(denied.values()), json.dumps(denied, indent=1)
    # And nobody scans
    assert not [c for c in recorded if c[2] == "Scan"]

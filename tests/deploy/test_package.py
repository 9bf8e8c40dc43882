"""`make package`: one CloudFormation template with everything the functions need, and nothing more.

The package is built once for this module (``make package``: the merge template, ``chalice
package``, the slimmed zip, ``cfn-lint``), then read as JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import TABLES

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = {"api_handler": "APIHandler", "forward_new_reports": "ForwardNewReports",
             "deliver_notifications": "DeliverNotifications", "sweep": "Sweep",
             "retry_notifications": "RetryNotifications", "send_digests": "SendDigests"}
PROD = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["prod"]["environment_variables"]
PREFIX = PROD["TABLE_PREFIX"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    """Given the prod stage packaged as a deployment packages it (into a folder of our own, so that
    a concurrent ``make package`` in the same tree cannot change it under us)."""
    out = tmp_path_factory.mktemp("package") / "build"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    run = subprocess.run(["make", "--no-print-directory", "package", f"BUILD={out}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def template(build: Path) -> dict[str, Any]:
    return json.loads((build / "sam.json").read_text())


def resources(template: dict, kind: str) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_finds_nothing(build):
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "cfn-lint"), str(build / "sam.json")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


def test_every_table_and_index_of_the_models_is_there_as_the_stage_names_it(template):
    from chalicelib.config import get_settings
    from chalicelib.models import ALL_MODELS

    tables = {r["Properties"]["TableName"]: r for r in resources(template, "AWS::DynamoDB::Table").values()}
    assert set(tables) == {f"{PREFIX}{name}" for name in TABLES}
    for model in ALL_MODELS:
        name = PREFIX + model.Meta.table_name.removeprefix(get_settings().table_prefix)
        schema = model._get_schema()
        props = tables[name]["Properties"]
        assert {(k["AttributeName"], k["KeyType"]) for k in props["KeySchema"]} == \
            {(k["AttributeName"], k["KeyType"]) for k in schema["key_schema"]}
        wanted = {i["index_name"]: {(k["AttributeName"], k["KeyType"]) for k in i["key_schema"]}
                  for i in schema.get("global_secondary_indexes", [])}
        found = {i["IndexName"]: {(k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]}
                 for i in props.get("GlobalSecondaryIndexes", [])}
        assert found == wanted, name


def test_tables_are_on_demand_recoverable_protected_and_kept(template):
    for table in resources(template, "AWS::DynamoDB::Table").values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["Protected", True, False]}
        assert table["DeletionPolicy"] == "Retain"
    assert template["Parameters"]["DeletionProtection"]["Default"] == "true"


def test_idempotency_table_and_the_streams_the_functions_read(template):
    tables = {r["Properties"]["TableName"]: r["Properties"]
              for r in resources(template, "AWS::DynamoDB::Table").values()}
    idempotency = tables[f"{PREFIX}idempotency"]
    assert idempotency["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert idempotency["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert tables[f"{PREFIX}complaints"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert tables[f"{PREFIX}notifications"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_stream_triggers_read_the_tables_streams_and_park_failures_in_a_queue(template):
    fns = template["Resources"]
    for fn, table, queue in (("ForwardNewReports", "ComplaintsTable", "ForwarderFailureQueue"),
                             ("DeliverNotifications", "NotificationsTable", "NotifierFailureQueue")):
        (event,) = fns[fn]["Properties"]["Events"].values()
        assert event["Type"] == "DynamoDB"
        props = event["Properties"]
        assert props["Stream"] == {"Fn::GetAtt": [table, "StreamArn"]}
        assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert props["MaximumRetryAttempts"] > 0 and props["BisectBatchOnFunctionError"] is True
        assert fns[queue]["Type"] == "AWS::SQS::Queue"


def test_the_notifications_dead_letter_queue_is_the_one_the_code_uses(template):
    queue = template["Resources"]["NotificationsDeadLetterQueue"]["Properties"]
    assert queue["QueueName"] == PROD["NOTIFICATIONS_DLQ"]
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    for queue in resources(template, "AWS::SQS::Queue").values():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Ref": "DataKey"}


def test_schedules(template):
    def schedule(fn: str) -> str:
        (event,) = template["Resources"][fn]["Properties"]["Events"].values()
        assert event["Type"] == "Schedule"
        return event["Properties"]["Schedule"]

    assert schedule("Sweep") == "rate(15 minutes)"
    assert schedule("RetryNotifications") == "rate(5 minutes)"
    assert schedule("SendDigests") == "cron(0 * * * ? *)"  # hourly: each zone's 07:00


def test_each_function_has_its_own_role_and_is_wired_to_the_stack(template):
    fns = template["Resources"]
    roles = set()
    for name, lid in FUNCTIONS.items():
        props = fns[lid]["Properties"]
        roles.add(props["Role"]["Fn::GetAtt"][0])
        assert props["FunctionName"] == {"Fn::Sub": f"${{AWS::StackName}}-{name}"}
        env = props["Environment"]["Variables"]
        assert env["TABLE_PREFIX"] == PREFIX and env["STAGE"] == "prod"
        assert env["ATTACHMENTS_BUCKET"] == {"Ref": "AttachmentsBucket"}
        assert env["SENDER_EMAIL"] == {"Ref": "SenderEmail"}
        assert env["COMPLAINTS_STREAM_ARN"] == {"Fn::GetAtt": ["ComplaintsTable", "StreamArn"]}
        assert env["NOTIFICATIONS_STREAM_ARN"] == {"Fn::GetAtt": ["NotificationsTable", "StreamArn"]}
        assert env["NOTIFICATIONS_DLQ"] == {"Fn::GetAtt": ["NotificationsDeadLetterQueue", "QueueName"]}
        assert not {k for k in env if k.startswith("DEV_")}
    assert len(roles) == len(FUNCTIONS)
    assert template["Parameters"]["SenderEmail"]["Type"] == "String"


def _statements(role: dict) -> list[dict]:
    return [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def test_policies_are_least_privilege(template):
    for role_name, role in resources(template, "AWS::IAM::Role").items():
        assert "ManagedPolicyArns" not in role["Properties"], role_name
        for statement in _statements(role):
            assert statement["Effect"] == "Allow"
            actions = _as_list(statement["Action"])
            # Then no wildcard action, and a wildcard resource only for listing streams (no data)
            assert not [a for a in actions if "*" in a], (role_name, actions)
            for resource in _as_list(statement["Resource"]):
                if resource == "*":
                    assert actions == ["dynamodb:ListStreams"], (role_name, statement)
                else:
                    assert isinstance(resource, dict), (role_name, resource)  # from the stack, not a pattern


def test_no_authorizer_function_keys_and_sessions_are_checked_in_the_api(template):
    assert "StaffKey" not in template["Resources"]
    assert not resources(template, "AWS::ApiGateway::Authorizer")


def test_the_staff_user_pool_requires_totp_and_long_passwords(template):
    pool = template["Resources"]["StaffUserPool"]
    props = pool["Properties"]
    assert pool["DeletionPolicy"] == "Retain"
    assert props["UsernameAttributes"] == ["email"]
    assert props["MfaConfiguration"] == "ON" and props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert props["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    invitation = props["AdminCreateUserConfig"]["InviteMessageTemplate"]
    assert "{username}" in invitation["EmailMessage"] and "{####}" in invitation["EmailMessage"]
    agency = next(a for a in props["Schema"] if a["Name"] == "agency_id")
    assert agency["AttributeDataType"] == "String"
    # threat protection is enforced whenever the feature plan offers it
    assert props["UserPoolAddOns"]["Fn::If"][:2] == ["ThreatProtection", {"AdvancedSecurityMode": "ENFORCED"}]
    assert template["Conditions"]["ThreatProtection"] == {"Fn::Equals": [{"Ref": "StaffPoolFeaturePlan"}, "PLUS"]}
    groups = {r["Properties"]["GroupName"] for r in resources(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"national_admin", "coordinator", "officer"}


def test_the_app_client_has_no_secret_and_cannot_write_the_agency(template):
    client = template["Resources"]["StaffUserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert "custom:agency_id" not in client["WriteAttributes"]
    api = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert api["USER_POOL_ID"] == {"Ref": "StaffUserPool"}
    assert api["USER_POOL_CLIENT_ID"] == {"Ref": "StaffUserPoolClient"}


def test_the_sessions_table_expires_rows_by_ttl(template):
    table = template["Resources"]["SessionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["user-index"]


def test_attachments_bucket_is_private_encrypted_and_takes_browser_uploads(template):
    bucket = template["Resources"]["AttachmentsBucket"]["Properties"]
    assert bucket["BucketName"] == {"Fn::Sub": f"{PREFIX}attachments-${{AWS::AccountId}}"}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert "POST" in cors["AllowedMethods"]


def test_alarms_on_dead_letters_and_function_errors(template):
    alarms = [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]
    watched = {(a["MetricName"], json.dumps(a["Dimensions"][0]["Value"])) for a in alarms}
    for queue in resources(template, "AWS::SQS::Queue"):
        assert ("ApproximateNumberOfMessagesVisible",
                json.dumps({"Fn::GetAtt": [queue, "QueueName"]})) in watched
    for lid in FUNCTIONS.values():
        assert ("Errors", json.dumps({"Ref": lid})) in watched


def _render(template_text: str, message: str) -> dict:
    return json.loads(template_text.replace("$context.error.messageString", json.dumps(message)))


def test_api_gateways_own_answers_have_the_spec_error_shape(template):
    responses = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    for kind, status, code in (("UNAUTHORIZED", 401, "unauthorized"), ("ACCESS_DENIED", 403, "forbidden"),
                               ("MISSING_AUTHENTICATION_TOKEN", 404, "not_found"),
                               ("RESOURCE_NOT_FOUND", 404, "not_found")):
        assert responses[kind]["statusCode"] == status
        body = _render(responses[kind]["responseTemplates"]["application/json"], "Missing Authentication Token")
        assert body == {"error": {"code": code, "message": "Missing Authentication Token"}}
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX"):
        assert set(_render(responses[kind]["responseTemplates"]["application/json"], "x")["error"]) == \
            {"code", "message"}


def test_the_packaged_api_has_no_dev_routes(template):
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert "/complaints" in paths and "/agency/complaints" in paths
    assert not [p for p in paths if p == "/dev" or p.startswith("/dev/")]


def test_outputs_name_the_api_and_the_tables(template):
    outputs = template["Outputs"]
    assert "execute-api" in outputs["ApiUrl"]["Value"]["Fn::Sub"]
    table_refs = {json.dumps(o["Value"]) for o in outputs.values()}
    for lid in resources(template, "AWS::DynamoDB::Table"):
        assert json.dumps({"Ref": lid}) in table_refs


def test_the_zip_leaves_the_runtimes_boto_out_and_fits_lambda(build):
    path = build / "deployment.zip"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        unzipped = sum(i.file_size for i in z.infolist())
    tops = {n.split("/", 1)[0] for n in names}
    assert not {t for t in tops if re.match(r"^(boto3|botocore|s3transfer)([-.].*)?$", t)}
    assert {"app.py", "chalicelib", "pynamodb", "aws_lambda_powertools"} <= tops
    assert "devtools" not in tops and "tests" not in tops
    assert path.stat().st_size < 50 * 2**20 and unzipped < 250 * 2**20
    # The regency boundaries ship in their compact form (with their licence), not as the GeoJSON.
    assert "chalicelib/data/wilayah/regency-boundaries.bin" in names
    assert "chalicelib/data/wilayah/LICENSE-boundaries.md" in names
    assert "chalicelib/data/wilayah/regency-boundaries.geojson" not in names


def test_every_function_runs_python_3_13_on_arm64_with_aarch64_native_modules(template, build):
    """Given the packaged stage, every function is python3.13 on arm64 (about 20 % cheaper than
    x86_64), and each native module in the zip is built for aarch64 and CPython 3.13."""
    functions = resources(template, "AWS::Serverless::Function")
    assert functions
    for name, function in functions.items():
        assert function["Properties"]["Runtime"] == "python3.13", name
        assert function["Properties"]["Architectures"] == ["arm64"], name
    with zipfile.ZipFile(build / "deployment.zip") as z:
        native = [n for n in z.namelist() if n.endswith(".so")]
    assert native, "pydantic_core at least is a native module"
    for name in native:
        assert "cpython-313-aarch64-linux-gnu" in name or "aarch64" in name, name


def test_a_waf_web_acl_guards_the_api_stage(template):
    # SPEC §11: a rate-based rule and AWS's managed groups, associated with the deployed stage
    resources = template["Resources"]
    acl = resources["ApiWebAcl"]["Properties"]
    assert acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}}
    statements = [rule["Statement"] for rule in acl["Rules"]]
    assert statements[0]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    groups = {s["ManagedRuleGroupStatement"]["Name"] for s in statements if "ManagedRuleGroupStatement" in s}
    assert groups == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                      "AWSManagedRulesAmazonIpReputationList"}
    association = resources["ApiWebAclAssociation"]
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}
    assert "/restapis/${RestAPI}/stages/api" in association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert association["DependsOn"] == ["RestAPIapiStage"]  # the stage SAM makes from RestAPI (cfn-lint checks it)


def test_the_limits_and_uploads_tables_and_the_bucket_lifecycle(template):
    resources = template["Resources"]
    assert resources["LimitsTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at", "Enabled": True}
    assert "UploadsTable" in resources
    bucket = resources["AttachmentsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert any(rule.get("Prefix") == "uploads/" and rule.get("ExpirationInDays") == 1
               for rule in bucket["LifecycleConfiguration"]["Rules"])


KEY = {"Ref": "DataKey"}
KEY_ARN = {"Fn::GetAtt": ["DataKey", "Arn"]}


def test_one_rotated_customer_key_encrypts_the_tables_queues_topics_and_logs(template):
    """Given the packaged stage, one customer-managed key (rotated) encrypts everything that holds
    personal data, and each function may use it (and only it) to read and write that data."""
    key = template["Resources"]["DataKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    principals = json.dumps(key["Properties"]["KeyPolicy"])
    for service in ("logs.${AWS::Region}.amazonaws.com", "ses.amazonaws.com", "cloudwatch.amazonaws.com"):
        assert service in principals
    for table in resources(template, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                                           "KMSMasterKeyId": KEY}
    for queue in resources(template, "AWS::SQS::Queue").values():
        assert queue["Properties"]["KmsMasterKeyId"] == KEY
    for topic in resources(template, "AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == KEY
    groups = resources(template, "AWS::Logs::LogGroup")
    assert len(groups) == len(FUNCTIONS) + 2  # the six above, ses_events' and the API access log
    for group in groups.values():
        assert group["Properties"]["KmsKeyId"] == KEY_ARN
    for role_name, role in resources(template, "AWS::IAM::Role").items():
        if role_name == "ApiGatewayLogsRole":
            continue
        kms = [s for s in _statements(role) if any(a.startswith("kms:") for a in _as_list(s["Action"]))]
        data = [(sorted(_as_list(s["Action"])), s["Resource"]) for s in kms if s["Resource"] == [KEY_ARN]]
        assert data == [(["kms:Decrypt", "kms:GenerateDataKey"], [KEY_ARN])], role_name
        # the reporter-token key (docs/messages.md): the API only seals, the notifiers only open
        tokens = [(sorted(_as_list(s["Action"])), s["Resource"]) for s in kms if s["Resource"] != [KEY_ARN]]
        assert tokens == TOKEN_KEY_USE.get(role_name, []), role_name


TOKEN_KEY_ARN = {"Fn::GetAtt": ["ReporterTokenKey", "Arn"]}
TOKEN_KEY_USE = {"ApiHandlerRole": [(["kms:Encrypt"], [TOKEN_KEY_ARN])],
                 "DeliverNotificationsRole": [(["kms:Decrypt"], [TOKEN_KEY_ARN])],
                 "RetryNotificationsRole": [(["kms:Decrypt"], [TOKEN_KEY_ARN])]}


def test_the_reporter_token_key_is_rotated_kept_and_given_to_the_functions(template):
    key = template["Resources"]["ReporterTokenKey"]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    for name in ("APIHandler", "DeliverNotifications", "RetryNotifications"):
        variables = template["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert variables["REPORTER_TOKEN_KEY"] == TOKEN_KEY_ARN


def test_api_access_logs_reserved_concurrency_and_failed_async_runs_parked(template):
    res = template["Resources"]
    api = res["RestAPI"]["Properties"]["AccessLogSetting"]
    assert api["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(api["Format"])
    assert "$context.requestId" in fields.values()
    assert not [v for v in fields.values() if "identity" in v or "querystring" in v.lower()]  # no personal data
    assert res["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}
    functions = resources(template, "AWS::Serverless::Function")
    assert sum(f["Properties"]["ReservedConcurrentExecutions"] for f in functions.values()) <= 100
    for lid in ("Sweep", "RetryNotifications", "SendDigests", "SesEvents"):
        assert functions[lid]["Properties"]["DeadLetterQueue"] == {
            "Type": "SQS", "TargetArn": {"Fn::GetAtt": ["AsyncFailureQueue", "Arn"]}}
        role = res[functions[lid]["Properties"]["Role"]["Fn::GetAtt"][0]]
        parked = [{"Fn::GetAtt": ["AsyncFailureQueue", "Arn"]}]
        assert any(s["Action"] == ["sqs:SendMessage"] and s["Resource"] == parked for s in _statements(role)), lid


def test_checkov_finds_no_failed_check_and_every_skip_says_why(build):
    """Given the packaged template, checkov (its own venv: requirements-checkov.txt) fails no check;
    what it skips is skipped in the template, each with its reason (docs/security.md "checkov")."""
    checkov = ROOT / ".venv-checkov" / "bin" / "checkov"
    assert checkov.exists(), "make .venv-checkov/.installed"
    run = subprocess.run([str(checkov), "-f", str(build / "sam.json"), "--framework", "cloudformation",
                          "--skip-download", "--output", "json"], capture_output=True, text=True, timeout=600)
    assert run.stdout.strip(), run.stderr[-4000:]
    results = json.loads(run.stdout)["results"]
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in results["failed_checks"]]
    assert not failed, "checkov failed:\n" + "\n".join(failed)
    assert len(results["passed_checks"]) > 100
    for skipped in results["skipped_checks"]:
        assert len(skipped["check_result"].get("suppress_comment") or "") > 20, skipped["check_id"]

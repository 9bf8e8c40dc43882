"""The CloudFormation that ``chalice package`` merges into its template (``make package``).

Chalice writes the functions, their roles (from ``.chalice/policies/<function>.json``), the
schedules, the REST API and the stream triggers. This adds what Chalice does not know about,
derived from the code so that the two cannot drift apart:

- every DynamoDB table and index, from the PynamoDB models (plus Powertools' idempotency table);
  on-demand, point-in-time recovery, deletion protection, TTL and streams where the code uses them;
- the dead-letter queues: the notifications one (``NOTIFICATIONS_DLQ``), the on-failure
  destinations of the two stream triggers, whose stream ARNs come from the tables, and the
  asynchronous functions' DLQ;
- one customer-managed KMS key (``DataKey``) for the tables, queues, topics and log groups; the API
  stage's access log; reserved concurrency; checkov's skips with their reasons (docs/security.md);
- the staff user pool (Cognito), its groups and its server-side app client (``staff_user_pool``);
- the attachments bucket, the functions' names and environment, alarms, the SPEC error shape on
  API Gateway's own answers, and the outputs.

    python -m deploy.template --stage prod > build/resources.json

Table and queue names come from the stage's ``TABLE_PREFIX`` and ``NOTIFICATIONS_DLQ`` in
``.chalice/config.json``; nothing here is stage-specific.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".chalice" / "config.json"

# Chalice's function names and the logical ids it gives them in the template.
FUNCTIONS = {
    "api_handler": "APIHandler",
    "forward_new_reports": "ForwardNewReports",
    "deliver_notifications": "DeliverNotifications",
    "sweep": "Sweep",
    "retry_notifications": "RetryNotifications",
    "send_digests": "SendDigests",
    "ses_events": "SesEvents",
}
# Which table's stream each stream function reads, and where a batch that keeps failing goes.
STREAMS = {
    "forward_new_reports": ("ComplaintsTable", "ForwarderFailureQueue"),
    "deliver_notifications": ("NotificationsTable", "NotifierFailureQueue"),
}
IDEMPOTENCY = "idempotency"
DATA_KEY = "DataKey"
TOKEN_KEY = "ReporterTokenKey"
# Invoked asynchronously (schedules, SNS): an event that fails its retries lands in AsyncFailureQueue.
ASYNC = ("sweep", "retry_notifications", "send_digests", "ses_events")
# Reserved concurrency: a runaway function cannot starve the others (or the account).
RESERVED_CONCURRENCY = {"api_handler": 50, "forward_new_reports": 5, "deliver_notifications": 5,
                        "sweep": 1, "retry_notifications": 1, "send_digests": 1, "ses_events": 5}
ACCESS_LOG_FORMAT = json.dumps({  # no query strings, bodies or headers: personal data stays out
    "requestId": "$context.requestId", "time": "$context.requestTime", "method": "$context.httpMethod",
    "resource": "$context.resourcePath", "status": "$context.status", "latencyMs": "$context.responseLatency",
    "length": "$context.responseLength", "errorType": "$context.error.responseType",
    "wafStatus": "$context.waf.status"}, separators=(",", ":"))
FUNCTION_SKIPS = (
    ("CKV_AWS_117", "no VPC: the functions reach only AWS services over their public endpoints"),
    ("CKV_AWS_173", "the environment holds resource names and settings, no secrets; "
                    "Lambda encrypts it at rest with its own key"),
)
FOURTEEN_DAYS = 14 * 24 * 3600
# API Gateway's own answers (no route, no key, throttled…) in the SPEC error shape.
GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),  # what API Gateway says for an unknown route
    "RESOURCE_NOT_FOUND": (404, "not_found"),
    "UNAUTHORIZED": (401, "unauthorized"),
    "ACCESS_DENIED": (403, "forbidden"),
    "EXPIRED_TOKEN": (401, "unauthorized"),
    "INVALID_API_KEY": (403, "forbidden"),
    "INVALID_SIGNATURE": (403, "forbidden"),
    "WAF_FILTERED": (403, "forbidden"),
    "BAD_REQUEST_BODY": (400, "bad_request"),
    "BAD_REQUEST_PARAMETERS": (400, "bad_request"),
    "REQUEST_TOO_LARGE": (413, "payload_too_large"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type"),
    "THROTTLED": (429, "too_many_requests"),
    "QUOTA_EXCEEDED": (429, "too_many_requests"),
    "AUTHORIZER_FAILURE": (503, "service_unavailable"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "internal_error"),
    "INTEGRATION_FAILURE": (502, "internal_error"),
    "INTEGRATION_TIMEOUT": (504, "service_unavailable"),
    "DEFAULT_4XX": (None, "bad_request"),
    "DEFAULT_5XX": (None, "internal_error"),
}


def stage_settings(stage: str) -> dict[str, str]:
    config = json.loads(CONFIG.read_text())
    if stage not in config.get("stages", {}):
        raise SystemExit(f"no stage {stage!r} in {CONFIG}")
    env = {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}
    for required in ("TABLE_PREFIX", "NOTIFICATIONS_DLQ"):
        if not env.get(required):
            raise SystemExit(f"stage {stage!r} sets no {required} in {CONFIG}")
    if env.get("DEV_ROUTES"):
        raise SystemExit(f"stage {stage!r} turns DEV_ROUTES on: never package a stage with the dev routes")
    return env


def logical_id(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Table"


def _table_schemas() -> dict[str, dict[str, Any]]:
    """Base table name -> PynamoDB's schema and the stream it needs, from the models."""
    from chalicelib.config import TABLES, get_settings
    from chalicelib.models import ALL_MODELS

    prefix = get_settings().table_prefix
    schemas: dict[str, dict[str, Any]] = {}
    for model in ALL_MODELS:
        name = model.Meta.table_name.removeprefix(prefix)
        ttl = model._ttl_attribute()
        schemas[name] = {"schema": model._get_schema(), "stream": getattr(model.Meta, "stream_view_type", None),
                         "ttl": ttl.attr_name if ttl else None}
    # Powertools' idempotency store: key ``id``, expiry in ``expiration`` (models/tables.py).
    schemas[IDEMPOTENCY] = {"schema": {
        "attribute_definitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "key_schema": [{"AttributeName": "id", "KeyType": "HASH"}],
    }, "stream": None, "ttl": "expiration"}
    missing = set(TABLES) - set(schemas)
    if missing:
        raise SystemExit(f"tables without a model: {sorted(missing)}")
    return {name: schemas[name] for name in TABLES}


def table_resource(prefix: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    schema = spec["schema"]
    props: dict[str, Any] = {
        "TableName": f"{prefix}{name}",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
        "KeySchema": sorted(schema["key_schema"], key=lambda k: k["KeyType"]),  # HASH before RANGE
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": {"Fn::If": ["Protected", True, False]},
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": DATA_KEY}},
        "Tags": [{"Key": "app", "Value": "sp4n-lapor"}],
    }
    indexes = [{
        "IndexName": gsi["index_name"],
        "KeySchema": sorted(gsi["key_schema"], key=lambda k: k["KeyType"]),
        "Projection": gsi["projection"],
    } for gsi in schema.get("global_secondary_indexes", [])]
    if indexes:
        props["GlobalSecondaryIndexes"] = sorted(indexes, key=lambda i: i["IndexName"])
    if schema.get("local_secondary_indexes"):
        raise SystemExit(f"{name}: local secondary indexes are not supported here")
    if spec.get("stream"):
        props["StreamSpecification"] = {"StreamViewType": spec["stream"]}
    if spec.get("ttl"):
        props["TimeToLiveSpecification"] = {"AttributeName": spec["ttl"], "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": props}


def _queue(name: str) -> dict[str, Any]:
    """A dead-letter store: kept 14 days (SQS's longest), encrypted with the stack's key, read by an operator."""
    return {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": name, "MessageRetentionPeriod": FOURTEEN_DAYS, "KmsMasterKeyId": {"Ref": DATA_KEY},
        "KmsDataKeyReusePeriodSeconds": 3600}}


def _skip(*checks: tuple[str, str]) -> dict[str, Any]:
    """checkov's per-resource skips, each with the reason it does not apply (docs/security.md)."""
    return {"checkov": {"skip": [{"id": check, "comment": comment} for check, comment in checks]}}


def data_key() -> dict[str, Any]:
    """The one customer-managed key for everything holding personal data: the tables (and their
    streams), the queues, the topics and the log groups. Rotated yearly by KMS. The account
    delegates it through IAM (each function's policy names it; DynamoDB and SQS use it on the
    caller's behalf); the services that encrypt on their own (CloudWatch Logs, SES and the alarms
    publishing to the encrypted topics) are named in the key policy."""
    account = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    use = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
    in_account = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    statements = [
        {"Sid": "AccountAdministersAndDelegatesThroughIam", "Effect": "Allow", "Principal": {"AWS": account},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchLogsEncryptsTheAccountsLogGroups", "Effect": "Allow",
         "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
         "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
             "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"}}}},
        {"Sid": "SesAndCloudWatchPublishToTheEncryptedTopics", "Effect": "Allow",
         "Principal": {"Service": ["ses.amazonaws.com", "cloudwatch.amazonaws.com"]},
         "Action": use, "Resource": "*", "Condition": in_account},
    ]
    return {
        DATA_KEY: {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                   "Properties": {"Description": "SP4N-LAPOR! data: tables, queues, topics, logs",
                                  "EnableKeyRotation": True, "KeyPolicy": {"Version": "2012-10-17",
                                                                           "Statement": statements},
                                  "Tags": [{"Key": "app", "Value": "sp4n-lapor"}]}},
    }


def reporter_token_key() -> dict[str, Any]:
    """The key that seals reporter tokens waiting for a confirmed address (docs/messages.md): the
    API function may only encrypt with it, the notifier's functions only decrypt (their policies
    say so); no service uses it on anyone's behalf. A sealed token lives a few days at most."""
    account = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    return {
        TOKEN_KEY: {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                    "Properties": {"Description": "SP4N-LAPOR! reporter tokens waiting for a confirmed address",
                                   "EnableKeyRotation": True, "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                                       {"Sid": "AccountAdministersAndDelegatesThroughIam", "Effect": "Allow",
                                        "Principal": {"AWS": account}, "Action": "kms:*", "Resource": "*"}]},
                                   "Tags": [{"Key": "app", "Value": "sp4n-lapor"}]}},
    }


def _alarm(description: str, namespace: str, metric: str, dimension: tuple[str, Any],
           threshold: float = 1, statistic: str = "Sum", period: int = 300) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description,
        "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
        "Statistic": statistic, "Period": period, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}],
    }}


def _gateway_responses() -> dict[str, Any]:
    responses = {}
    for kind, (status, code) in GATEWAY_RESPONSES.items():
        # messageString is already a quoted JSON string.
        body = '{"error": {"code": "' + code + '", "message": $context.error.messageString}}'
        response: dict[str, Any] = {
            "responseTemplates": {"application/json": body},
            "responseParameters": {"gatewayresponse.header.Cache-Control": "'no-store'"},
        }
        if status is not None:
            response["statusCode"] = status
        responses[kind] = response
    return responses


def _environment() -> dict[str, Any]:
    """What only the stack knows; the rest (TABLE_PREFIX, limits…) Chalice takes from config.json."""
    return {
        "COMPLAINTS_STREAM_ARN": {"Fn::GetAtt": ["ComplaintsTable", "StreamArn"]},
        "NOTIFICATIONS_STREAM_ARN": {"Fn::GetAtt": ["NotificationsTable", "StreamArn"]},
        "NOTIFICATIONS_DLQ": {"Fn::GetAtt": ["NotificationsDeadLetterQueue", "QueueName"]},
        "ATTACHMENTS_BUCKET": {"Ref": "AttachmentsBucket"},
        "SENDER_EMAIL": {"Ref": "SenderEmail"},
        "SES_CONFIGURATION_SET": {"Ref": "SesConfigurationSet"},
        "USER_POOL_ID": {"Ref": "StaffUserPool"},
        "USER_POOL_CLIENT_ID": {"Ref": "StaffUserPoolClient"},
        "REPORTER_TOKEN_KEY": {"Fn::GetAtt": [TOKEN_KEY, "Arn"]},
    }


INVITATION = {
    "EmailSubject": "Akun petugas SP4N-LAPOR! / Your SP4N-LAPOR! staff account",
    "EmailMessage": "Akun petugas SP4N-LAPOR! Anda sudah dibuat. Masuk dengan e-mail {username} dan kata sandi "
                    "sementara {####}, lalu buat kata sandi baru dan pasang aplikasi autentikator (TOTP).<br><br>"
                    "Your SP4N-LAPOR! staff account is ready. Sign in with {username} and the temporary password "
                    "{####}, then choose a new password and set up an authenticator app (TOTP).",
}


def staff_user_pool(prefix: str) -> dict[str, Any]:
    """SPEC §10: one pool per stage. E-mail is the username; the role is a group; the agency is
    ``custom:agency_id`` (only admins write it: the app client may write ``name`` alone); passwords of
    12 or more; TOTP required; invitations only from an admin, e-mailed through SES; threat
    protection enforced when the pool's feature plan (``StaffPoolFeaturePlan``) is PLUS."""
    from chalicelib.adapters import cognito
    from chalicelib.domain.names import Role

    local = cognito.pool_definition(f"{prefix}staff")
    pool = {
        "UserPoolName": local["PoolName"],
        "UsernameAttributes": local["UsernameAttributes"],
        "AutoVerifiedAttributes": local["AutoVerifiedAttributes"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "MfaConfiguration": local["MfaConfiguration"],
        "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
        "Policies": local["Policies"],
        "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
                   {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
                   *local["Schema"]],
        "AdminCreateUserConfig": {**local["AdminCreateUserConfig"], "InviteMessageTemplate": INVITATION},
        "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        "EmailConfiguration": {"EmailSendingAccount": "DEVELOPER", "From": {"Ref": "SenderEmail"},
                               "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}"
                                                        ":identity/${SenderEmail}"}},
        "UserPoolTier": {"Ref": "StaffPoolFeaturePlan"},
        "UserPoolAddOns": {"Fn::If": ["ThreatProtection", {"AdvancedSecurityMode": "ENFORCED"},
                                      {"Ref": "AWS::NoValue"}]},
        "DeletionProtection": {"Fn::If": ["Protected", "ACTIVE", "INACTIVE"]},
        "UserPoolTags": {"app": "sp4n-lapor"},
    }
    resources: dict[str, Any] = {
        "StaffUserPool": {"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Retain",
                          "UpdateReplacePolicy": "Retain", "Properties": pool},
        "StaffUserPoolClient": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
            "ClientName": f"{prefix}staff-server",
            "UserPoolId": {"Ref": "StaffUserPool"},
            "GenerateSecret": False,  # the server runs the flow; nothing secret is handed to browsers
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
            "ReadAttributes": ["email", "email_verified", "name", cognito.AGENCY_ATTRIBUTE],
            "WriteAttributes": ["name"],
            "AccessTokenValidity": 60, "IdTokenValidity": 60, "RefreshTokenValidity": 12 * 60,
            "AuthSessionValidity": 3,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"},
        }},
    }
    for precedence, group in enumerate(cognito.GROUPS):
        lid = "StaffGroup" + "".join(part.capitalize() for part in group.split("_"))
        resources[lid] = {"Type": "AWS::Cognito::UserPoolGroup", "Properties": {
            "UserPoolId": {"Ref": "StaffUserPool"}, "GroupName": group.value, "Precedence": precedence,
            "Description": {Role.NATIONAL_ADMIN: "KemenPANRB (admin nasional)",
                            Role.COORDINATOR: "an agency's complaint coordinator (admin instansi)",
                            Role.OFFICER: "an agency's officer (admin penghubung)"}[group]}}
    return resources


def build(stage: str) -> dict[str, Any]:
    env = stage_settings(stage)
    prefix = env["TABLE_PREFIX"]
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {
        "ApiUrl": {"Description": "The API (and web pages) base URL",
                   "Value": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}},
    }

    resources.update(data_key())
    resources.update(reporter_token_key())
    tables = _table_schemas()
    for name, spec in tables.items():
        lid = logical_id(name)
        resources[lid] = table_resource(prefix, name, spec)
        outputs[f"{lid}Name"] = {"Description": f"the {name} table", "Value": {"Ref": lid}}

    resources["NotificationsDeadLetterQueue"] = _queue(env["NOTIFICATIONS_DLQ"])
    resources["ForwarderFailureQueue"] = _queue(f"{prefix}forwarder-failures")
    resources["NotifierFailureQueue"] = _queue(f"{prefix}notifier-failures")
    resources["AsyncFailureQueue"] = _queue(f"{prefix}async-failures")
    outputs["NotificationsDeadLetterQueueUrl"] = {"Value": {"Ref": "NotificationsDeadLetterQueue"}}

    resources["AttachmentsBucket"] = {
        "Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
        "Metadata": _skip(("CKV_AWS_18", "not yet: server access logs need a second log bucket; the API's "
                                         "access log records each presigned URL it issues, not its use")),
        "Properties": {
            "BucketName": {"Fn::Sub": f"{prefix}attachments-${{AWS::AccountId}}"},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            # Browsers POST the file straight to S3 with the presigned form (adapters/attachments.py).
            "CorsConfiguration": {"CorsRules": [{
                "AllowedOrigins": {"Ref": "UploadOrigins"}, "AllowedMethods": ["POST", "GET"],
                "AllowedHeaders": ["*"], "MaxAge": 3600}]},
            # Uploads never attached to a report go after a day (SPEC §11); filing copies an upload
            # to attachments/, which stays. Old versions (versioning is on) go after 30 days.
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": [
                {"Id": "abort-incomplete-uploads", "Status": "Enabled",
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
                {"Id": "expire-unattached-uploads", "Status": "Enabled", "Prefix": "uploads/",
                 "ExpirationInDays": 1, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
                {"Id": "expire-old-versions", "Status": "Enabled",
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 30}},
            ]},
        },
    }
    resources["AttachmentsBucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "AttachmentsBucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["AttachmentsBucket", "Arn"]},
                         {"Fn::Sub": "${AttachmentsBucket.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
    }}
    outputs["AttachmentsBucketName"] = {"Value": {"Ref": "AttachmentsBucket"}}

    resources.update(staff_user_pool(prefix))
    outputs["StaffUserPoolId"] = {"Value": {"Ref": "StaffUserPool"}}
    outputs["StaffUserPoolClientId"] = {"Value": {"Ref": "StaffUserPoolClient"}}

    resources["AlarmTopic"] = {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": f"{prefix}alarms", "KmsMasterKeyId": {"Ref": DATA_KEY}}}
    resources["AlarmEmailSubscription"] = {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
                                           "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                                                          "Endpoint": {"Ref": "AlarmEmail"}}}
    for queue, what in (("NotificationsDeadLetterQueue", "notifications that failed every attempt"),
                        ("ForwarderFailureQueue", "report batches the forwarder gave up on"),
                        ("NotifierFailureQueue", "notification batches the notifier gave up on"),
                        ("AsyncFailureQueue", "scheduled runs and SES events that failed every retry")):
        resources[f"{queue}DepthAlarm"] = _alarm(
            f"Dead letters waiting: {what}", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
            ("QueueName", {"Fn::GetAtt": [queue, "QueueName"]}), statistic="Maximum")

    for name, lid in FUNCTIONS.items():
        function: dict[str, Any] = {
            "FunctionName": {"Fn::Sub": f"${{AWS::StackName}}-{name}"},  # the log group in its policy
            "Environment": {"Variables": _environment()},
            "ReservedConcurrentExecutions": RESERVED_CONCURRENCY[name],
        }
        skips = list(FUNCTION_SKIPS)
        if name in ASYNC:
            function["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["AsyncFailureQueue", "Arn"]}}
        elif name in STREAMS:
            skips.append(("CKV_AWS_116", "a stream function's failed batches go to its on-failure queue "
                                         "(the event source's DestinationConfig), not a function DLQ"))
        else:
            skips.append(("CKV_AWS_116", "invoked synchronously by API Gateway: the caller gets the error"))
        if name in STREAMS:
            table, failures = STREAMS[name]
            event = f"{lid}DynamodbEventSource"
            function["Events"] = {event: {"Properties": {
                "Stream": {"Fn::GetAtt": [table, "StreamArn"]},
                "MaximumRetryAttempts": 10,
                "BisectBatchOnFunctionError": True,
                "MaximumRecordAgeInSeconds": 86400,
                "DestinationConfig": {"OnFailure": {"Type": "SQS",
                                                    "Destination": {"Fn::GetAtt": [failures, "Arn"]}}},
            }}}
            resources[f"{lid}IteratorAgeAlarm"] = _alarm(
                f"{name} is falling behind its stream", "AWS/Lambda", "IteratorAge",
                ("FunctionName", {"Ref": lid}), threshold=300_000, statistic="Maximum")
        resources[lid] = {"Properties": function, "Metadata": _skip(*skips)}
        if name != "api_handler":  # its log group is ApiHandlerLogGroup (below)
            resources[f"{lid}LogGroup"] = {"Properties": {"KmsKeyId": {"Fn::GetAtt": [DATA_KEY, "Arn"]}}}
        if name == "ses_events":  # its SNS subscription needs the topic first
            resources[lid]["DependsOn"] = ["SesEventsTopic"]
        resources[f"{lid}ErrorsAlarm"] = _alarm(f"{name} failed", "AWS/Lambda", "Errors",
                                                ("FunctionName", {"Ref": lid}))

    # Chalice names the API function's log group after ``ApiHandler`` but the function ``APIHandler``.
    resources["ApiHandlerLogGroup"] = {"Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${APIHandler}"},
                                                      "KmsKeyId": {"Fn::GetAtt": [DATA_KEY, "Arn"]}}}
    resources.update(api_access_logs(prefix))
    resources["RestAPI"] = {
        "Properties": {
            "DefinitionBody": {"x-amazon-apigateway-gateway-responses": _gateway_responses()},
            "AccessLogSetting": {"DestinationArn": {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]},
                                 "Format": ACCESS_LOG_FORMAT},
        },
        "DependsOn": ["ApiGatewayAccount"],
        "Metadata": _skip(("CKV_AWS_120", "answers are personal (a reporter's report, a session's "
                                          "inbox) or must be fresh: nothing is safe to cache"),
                          ("CKV_AWS_73", "X-Ray is off by default (cost per trace, like the functions' "
                                         "Powertools Tracer): turned on for a stage while investigating")),
    }
    resources.update(web_acl(prefix))
    resources.update(ses_events(prefix, env))

    return {
        "Parameters": {
            "SenderEmail": {"Type": "String", "AllowedPattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                            "Description": "SES-verified address (or address at a verified domain) mail is sent from"},
            "AlarmEmail": {"Type": "String", "Default": "",
                           "Description": "who is told when an alarm fires (empty: nobody, watch the console)"},
            "UploadOrigins": {"Type": "CommaDelimitedList", "Default": "*",
                              "Description": "origins allowed to POST attachments to the bucket (the web pages')"},
            "StaffPoolFeaturePlan": {"Type": "String", "Default": "PLUS", "AllowedValues": ["ESSENTIALS", "PLUS"],
                                     "Description": "the staff user pool's Cognito feature plan; PLUS enforces "
                                                    "threat protection (compromised credentials, adaptive auth)"},
            "DeletionProtection": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"],
                                   "Description": "DynamoDB deletion protection (off only to tear down a test stage)"},
        },
        "Conditions": {
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
            "Protected": {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]},
            "ThreatProtection": {"Fn::Equals": [{"Ref": "StaffPoolFeaturePlan"}, "PLUS"]},
        },
        "Resources": resources,
        "Outputs": outputs,
    }


WAF_RATE_PER_5_MINUTES = 1000  # per client address, in front of the app's own limits (SPEC §11)
STAGE_ARN = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/api"
WAF_MANAGED_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                      "AWSManagedRulesAmazonIpReputationList")


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def web_acl(prefix: str) -> dict[str, Any]:
    """AWS WAF in front of the API stage (SPEC §11): a rate-based rule per address and AWS's
    managed groups for common attacks (OWASP top 10 patterns), known bad inputs (Log4j, …) and
    addresses with a bad reputation (bots, scanners)."""
    rules: list[dict[str, Any]] = [{
        "Name": "rate-per-address", "Priority": 0, "Action": {"Block": {"CustomResponse": {
            "ResponseCode": 429, "CustomResponseBodyKey": "rate_limited"}}},
        "Statement": {"RateBasedStatement": {"Limit": WAF_RATE_PER_5_MINUTES, "AggregateKeyType": "IP"}},
        "VisibilityConfig": _visibility("RatePerAddress"),
    }]
    for priority, group in enumerate(WAF_MANAGED_GROUPS, start=1):
        rules.append({
            "Name": group, "Priority": priority, "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
            "VisibilityConfig": _visibility(group),
        })
    body = json.dumps({"error": {"code": "rate_limited", "message": "too many requests; please try again later"}})
    return {
        "ApiWebAcl": {"Type": "AWS::WAFv2::WebACL", "Properties": {
            "Name": f"{prefix}api", "Scope": "REGIONAL", "DefaultAction": {"Allow": {}},
            "CustomResponseBodies": {"rate_limited": {"ContentType": "APPLICATION_JSON", "Content": body}},
            "Rules": rules, "VisibilityConfig": _visibility("SP4NLaporApi"),
        }},
        # SAM names the stage it makes RestAPI<stage>Stage; the association needs it to exist.
        "ApiWebAclAssociation": {"Type": "AWS::WAFv2::WebACLAssociation", "DependsOn": ["RestAPIapiStage"],
                                 "Properties": {"ResourceArn": {"Fn::Sub": STAGE_ARN},
                                                "WebACLArn": {"Fn::GetAtt": ["ApiWebAcl", "Arn"]}}},
    }


def api_access_logs(prefix: str) -> dict[str, Any]:
    """The API stage's access log (ACCESS_LOG_FORMAT: no personal data) and the account setting
    API Gateway needs to write any log: a role it assumes. The setting is per account and region."""
    log_group_arn = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                                ":log-group:/aws/apigateway/${AWS::StackName}-access"}
    return {
        "ApiAccessLogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": {"Fn::Sub": "/aws/apigateway/${AWS::StackName}-access"},
            "RetentionInDays": 90, "KmsKeyId": {"Fn::GetAtt": [DATA_KEY, "Arn"]}}},
        "ApiGatewayLogsRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "AccessLog", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [{"Fn::Sub": "${ApiAccessLogGroup.Arn}"}, log_group_arn]}]}}]}},
        "ApiGatewayAccount": {"Type": "AWS::ApiGateway::Account", "Properties": {
            "CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}}},
    }


def ses_events(prefix: str, env: dict[str, str]) -> dict[str, Any]:
    """SES bounce and complaint events → an SNS topic → the ses_events function, which keeps the
    suppression list (SPEC §11). Mail is sent through the configuration set (SES_CONFIGURATION_SET)."""
    return {
        "SesConfigurationSet": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": f"{prefix}mail"}},
        "SesEventsTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": env.get("SES_EVENTS_TOPIC", f"{prefix}ses-events"), "KmsMasterKeyId": {"Ref": DATA_KEY}}},
        "SesEventsTopicPolicy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {
            "Topics": [{"Ref": "SesEventsTopic"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "SesPublishes", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "sns:Publish", "Resource": {"Ref": "SesEventsTopic"},
                "Condition": {"StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}},
        "SesBounceAndComplaintEvents": {"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {
            "ConfigurationSetName": {"Ref": "SesConfigurationSet"},
            "EventDestination": {"Name": "bounces-and-complaints", "Enabled": True,
                                 "MatchingEventTypes": ["bounce", "complaint"],
                                 "SnsDestination": {"TopicARN": {"Ref": "SesEventsTopic"}}}}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the merge template for `chalice package`")
    parser.add_argument("--stage", default="prod")
    args = parser.parse_args(argv)
    json.dump(build(args.stage), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

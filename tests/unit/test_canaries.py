"""Canaries: the private parts of libraries that our code and tests lean on.

Each test names who leans on what. When an upgrade changes one of them, the test fails here, with
the reason, instead of a patch silently doing nothing (tests that get slow, a lock that no longer
locks) or the app breaking in production. The versions are pinned (requirements*.txt); the first
test says when the installed ones differ from the pins, so a deliberate upgrade re-checks these.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEANED_ON = ("pynamodb", "aws-lambda-powertools", "moto", "botocore")


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            found = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s#]+)", line.strip())
            if found:
                pins[found.group(1).lower()] = found.group(2)
    return pins


@pytest.mark.parametrize("package", LEANED_ON)
def test_the_libraries_we_lean_on_are_the_pinned_versions(package):
    pinned = _pins().get(package)
    installed = importlib.metadata.version(package)
    assert pinned is not None, f"{package} must be pinned (==) in requirements*.txt: the canaries assume a version"
    assert installed == pinned, (f"{package} {installed} is installed but {pinned} is pinned: the canaries in "
                                 f"{Path(__file__).name} were checked against {pinned}; re-run them, then move the pin")


# --- Powertools --------------------------------------------------------------------------------------

def test_powertools_persistence_layer_has_the_record_methods_we_wrap():
    # chalicelib/adapters/idempotency.py `RetryingPersistence` retries a throttled idempotency call by overriding
    # these private methods; renamed, the retries would silently stop.
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    expected = {"_get_record": ["self", "idempotency_key"], "_put_record": ["self", "data_record"],
                "_update_record": ["self", "data_record"], "_delete_record": ["self", "data_record"]}
    for name, parameters in expected.items():
        method = getattr(DynamoDBPersistenceLayer, name, None)
        assert method is not None, (f"Powertools' DynamoDBPersistenceLayer.{name} is gone: "
                                   "update adapters.idempotency.RetryingPersistence")
        assert list(inspect.signature(method).parameters) == parameters, f"{name} changed its parameters"


# --- PynamoDB ----------------------------------------------------------------------------------------

def test_pynamodb_takes_its_botocore_session_from_us():
    # chalicelib/models/base.py points PynamoDB's `get_session` (imported into its connection module)
    # at adapters.aws.session, so every table's client comes from one botocore session. If PynamoDB
    # stops calling that name, each table a cold request touches loads the service model again.
    import pynamodb.connection.base

    import chalicelib.models.base  # noqa: F401  (installs the seam)
    from chalicelib.adapters import aws

    assert "get_session()" in inspect.getsource(pynamodb.connection.base.Connection.session.fget), \
        "PynamoDB's Connection.session no longer calls get_session(): update chalicelib/models/base.py"
    first = pynamodb.connection.base.Connection(region="ap-southeast-3").session
    second = pynamodb.connection.base.Connection(region="ap-southeast-3").session
    assert first is second is aws.session()


def test_pynamodb_result_iterator_exposes_its_page_iterator():
    # services/inbox.py, open311.py and sweep.py read one page and its LastEvaluatedKey through
    # `result.page_iter` (one Query per page, an opaque cursor).
    from pynamodb.pagination import PageIterator, ResultIterator

    assert "self.page_iter" in inspect.getsource(ResultIterator.__init__), "ResultIterator.page_iter is gone"
    assert isinstance(inspect.getattr_static(PageIterator, "last_evaluated_key"), property)


def test_pynamodb_index_schema_names_its_key_attributes():
    # services/inbox.py builds a cursor from `index._get_schema()["key_schema"]`.
    from chalicelib.models import ComplaintModel

    index = ComplaintModel.scope0_index
    schema = index._get_schema()
    assert {part["KeyType"] for part in schema["key_schema"]} == {"HASH", "RANGE"}
    assert all("AttributeName" in part for part in schema["key_schema"])


def test_pynamodb_errors_carry_the_aws_error_code():
    # errors.transient_code reads `cause_response_code` to tell a throttled Query (429) from a bug.
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import QueryError

    from chalicelib.errors import transient_code

    throttled = QueryError("failed", cause=ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}},
                                                         "Query"))
    assert throttled.cause_response_code == "ThrottlingException"
    assert transient_code(throttled) == "ThrottlingException"


# --- botocore ----------------------------------------------------------------------------------------

def test_botocore_clients_make_every_call_through_make_api_call():
    # Fault injection (tests/reliability/conftest.py, tests/integration/test_throttling.py) and the
    # benchmark's call recorder (bench/common.py) wrap BaseClient._make_api_call.
    import botocore.client

    assert list(inspect.signature(botocore.client.BaseClient._make_api_call).parameters) == [
        "self", "operation_name", "api_params"]
    assert "_make_api_call" in inspect.getsource(botocore.client.ClientCreator._create_api_method)


# --- moto --------------------------------------------------------------------------------------------

def test_moto_dynamodb_writes_are_the_methods_the_lock_wraps():
    # devtools/moto_patches.py makes moto's conditional writes atomic by wrapping these methods.
    from moto.dynamodb.models import DynamoDBBackend

    from devtools import moto_patches

    for name in moto_patches._WRITES:
        assert callable(getattr(DynamoDBBackend, name, None)), f"moto's DynamoDBBackend.{name} is gone"


def test_moto_transactions_back_up_with_copy_deepcopy():
    # tests/moto_speedups.cheap_transaction_backups swaps the `copy` module moto's transaction code
    # uses for its rollback backup; if moto stops using it, the swap does nothing (and tests slow down).
    import copy

    import moto.dynamodb.models as models

    from tests import moto_speedups

    # (in a session that started the moto server, the swap is in place already)
    assert models.copy is copy or models.copy.deepcopy is moto_speedups._deepcopy
    assert "copy.deepcopy" in inspect.getsource(models.DynamoDBBackend.transact_write_items)


def test_moto_table_query_reads_all_items_and_takes_index_name_seventh():
    # tests/moto_speedups.partition_queries narrows `Table.all_items` during a Query, finds
    # `index_name` at args[6] when it is passed positionally, and an index Query's hash key in the
    # keyword `hash_key_conditions`.
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    parameters = list(inspect.signature(Table.query).parameters)
    assert parameters[:2] == ["self", "hash_key"] and parameters[2:].index("index_name") == 6
    assert "hash_key_conditions" in parameters
    assert "hash_key_conditions=" in inspect.getsource(DynamoDBBackend.query)
    assert "all_items" in inspect.getsource(Table.query)


def test_moto_tables_and_queues_are_the_objects_isolation_copies():
    # tests/isolation.py snapshots `dynamodb_backends[account][region].tables` and empties the
    # dead-letter queue through `sqs_backends[...]` (resetting `last_purged_at`, moto's once-a-minute rule).
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue, SQSBackend, sqs_backends

    assert isinstance(dynamodb_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-3"].tables, dict)
    assert isinstance(sqs_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-3"].queues, dict)
    for attribute in ("self.items", "self.hash_key_attr", "self.range_key_attr", "self.stream_shard"):
        assert attribute in inspect.getsource(Table.__init__) or attribute in inspect.getsource(Table), attribute
    assert "last_purged_at" in inspect.getsource(Queue.__init__)
    assert "last_purged_at" in inspect.getsource(SQSBackend.purge_queue)


def test_moto_user_pools_and_bucket_keys_are_the_objects_isolation_resets():
    # tests/isolation.py deep-copies `cognitoidp_backends[account][region].user_pools` (a dict of pools
    # holding their users and groups) and deletes new objects found in `s3_backends[account]["aws"]
    # .buckets[name].keys` through the backend's `delete_object(bucket, key)`.
    from moto.cognitoidp.models import CognitoIdpUserPool, cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import S3Backend, s3_backends

    assert isinstance(cognitoidp_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-3"].user_pools, dict)
    for attribute in ("self.users", "self.groups"):
        assert attribute in inspect.getsource(CognitoIdpUserPool.__init__), attribute
    assert isinstance(s3_backends[DEFAULT_ACCOUNT_ID]["aws"], S3Backend)
    assert list(inspect.signature(S3Backend.delete_object).parameters)[:3] == ["self", "bucket_name", "key_name"]


# --- the standard library ----------------------------------------------------------------------------

def test_gettext_translations_keep_their_catalog_dictionary():
    # chalicelib/web/templating.has and web/text read `GNUTranslations._catalog` to tell a message
    # id from an API message.
    from chalicelib.web.templating import translations

    catalog = translations("id")._catalog
    assert isinstance(catalog, dict) and "error_busy" in catalog

"""Powertools' idempotency store on DynamoDB, with our client and our retries.

Imported only when a filing carries an Idempotency-Key (``services/submit.py``): Powertools'
idempotency package imports boto3, ~0.15 s on a cold start. The client is a botocore one from
``adapters/aws.py`` (the shared data loader), not a boto3 session of its own.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from chalicelib.adapters import aws
from chalicelib.errors import transient_code

PERSISTENCE_ATTEMPTS = 4


class RetryingPersistence(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB store, retrying a throttled or failing call a few times more.

    A record whose write failed stays IN_PROGRESS: every retry of the client is turned away
    (409 ``request_in_progress``) until it expires, and then, if the report had been filed, a
    retry files it again. Each of these calls is safe to repeat (a conditional put, an update, a
    delete, a read)."""

    def __init__(self, table_name: str) -> None:
        super().__init__(table_name=table_name, boto3_client=aws.client("dynamodb"))

    def _retrying(self, call: Any, *args: Any) -> Any:
        for attempt in range(PERSISTENCE_ATTEMPTS):
            try:
                return call(*args)
            except Exception as error:
                if attempt == PERSISTENCE_ATTEMPTS - 1 or not transient_code(error):
                    raise
                time.sleep(0.02 * 2 ** attempt)
        return None

    def _get_record(self, idempotency_key: Any) -> Any:
        return self._retrying(super()._get_record, idempotency_key)

    def _put_record(self, data_record: Any) -> None:
        self._retrying(super()._put_record, data_record)

    def _update_record(self, data_record: Any) -> None:
        self._retrying(super()._update_record, data_record)

    def _delete_record(self, data_record: Any) -> None:
        self._retrying(super()._delete_record, data_record)

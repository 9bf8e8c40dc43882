"""The background functions of the local stack, run as Lambda would run them.

``chalice local`` serves HTTP routes only; it never triggers schedules or streams. Here the
complaints and notifications streams (moto's DynamoDB Streams) are read and handed, as Lambda
events, to the very handlers that are deployed (``forward_new_reports``, ``deliver_notifications``);
a failed batch is handed over again, as Lambda retries it. The sweep and the notification retries run
on a timer, and so do the daily digests. Tests use ``Pump`` to do the same thing on demand.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any

import boto3
from chalice.local import LambdaContext

from chalicelib.config import get_settings


def _client(service: str):
    return boto3.client(service, region_name=get_settings().region)


def _to_lambda_record(record: dict[str, Any], arn: str) -> dict[str, Any]:
    data = dict(record["dynamodb"])
    created = data.get("ApproximateCreationDateTime")
    data["ApproximateCreationDateTime"] = created.timestamp() if hasattr(created, "timestamp") else (created or 0)
    data.setdefault("SizeBytes", 0)
    data.setdefault("StreamViewType", "NEW_AND_OLD_IMAGES")
    return {"eventID": record.get("eventID", ""), "eventName": record["eventName"], "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": get_settings().region, "dynamodb": data,
            "eventSourceARN": arn}


class StreamReader:
    """Reads one table's stream from the start, shard by shard, like a Lambda event source mapping.

    It asks for a fresh iterator after the last sequence number it handed over on every read: moto
    replaces a table object (and its stream shard) when it rolls back a failed transaction, which
    strands long-lived iterators; DynamoDB does not, but asking again costs nothing here.
    """

    def __init__(self, table: str) -> None:
        self.table = get_settings().table(table)
        self.arn = _client("dynamodb").describe_table(TableName=self.table)["Table"]["LatestStreamArn"]
        self.streams = _client("dynamodbstreams")
        self.last: dict[str, str | None] = {}

    def _iterator(self, shard_id: str) -> str:
        last = self.last.get(shard_id)
        kwargs = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last} if last
                  else {"ShardIteratorType": "TRIM_HORIZON"})
        return self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard_id, **kwargs)["ShardIterator"]

    def read(self, limit: int = 100) -> list[dict[str, Any]]:
        shards = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            response = self.streams.get_records(ShardIterator=self._iterator(shard_id), Limit=limit)
            batch = response.get("Records", [])
            if batch:
                self.last[shard_id] = batch[-1]["dynamodb"]["SequenceNumber"]
            records += [_to_lambda_record(r, self.arn) for r in batch]
        return records


def lambda_handler(name: str) -> Any:
    """A deployed function by its name, with the app's middleware registered (importing app does it)."""
    import app  # noqa: F401 - registers the blueprints
    from chalicelib.handlers import events, scheduled

    return {"forward_new_reports": events.forward_new_reports,
            "deliver_notifications": events.deliver_notifications,
            "sweep": scheduled.run_sweep, "retry_notifications": scheduled.retry_notifications,
            "send_digests": scheduled.send_digests}[name]


SCHEDULED_EVENT = {"version": "0", "id": "local", "detail-type": "Scheduled Event", "source": "aws.events",
                   "account": "000000000000", "time": "1970-01-01T00:00:00Z", "region": "local",
                   "resources": [], "detail": {}}


class Pump:
    """Feeds stream batches to the deployed handlers; a failing batch is retried, as Lambda does."""

    def __init__(self, attempts: int = 5) -> None:
        self.attempts = attempts
        self.readers = {"forward_new_reports": StreamReader("complaints"),
                        "deliver_notifications": StreamReader("notifications")}
        self.context = LambdaContext(function_name="local", memory_size=256)

    def invoke(self, name: str, records: list[dict[str, Any]]) -> None:
        handler = lambda_handler(name)
        for attempt in range(1, self.attempts + 1):
            try:
                handler({"Records": records}, self.context)
                return
            except Exception:
                if attempt == self.attempts:
                    raise
                traceback.print_exc()
                time.sleep(0.05 * attempt)

    def once(self) -> int:
        """One pass over both streams; returns how many records were handed over."""
        handed = 0
        for name, reader in self.readers.items():
            records = reader.read()
            if records:
                self.invoke(name, records)
                handed += len(records)
        return handed

    def drain(self, max_rounds: int = 10_000) -> int:
        total = 0
        for _ in range(max_rounds):
            handed = self.once()
            total += handed
            if not handed:
                return total
        return total


def _loop(stop: threading.Event, every: float, work: Any, name: str) -> threading.Thread:
    def run() -> None:
        while not stop.is_set():
            try:
                work()
            except Exception:
                print(f"[{name}] failed; will try again", flush=True)
                traceback.print_exc()
            stop.wait(every)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def start(stop: threading.Event, sweep_every: float = 60.0) -> list[threading.Thread]:
    pump = Pump()
    context = LambdaContext(function_name="local", memory_size=256)
    sweep, retries = lambda_handler("sweep"), lambda_handler("retry_notifications")
    digests = lambda_handler("send_digests")
    return [
        _loop(stop, 0.5, pump.once, "forwarder+notifier (streams)"),
        _loop(stop, sweep_every, lambda: sweep(SCHEDULED_EVENT, context), f"sweep (every {sweep_every:g} s)"),
        _loop(stop, 30.0, lambda: retries(SCHEDULED_EVENT, context), "notification retries"),
        # Hourly in AWS; here every minute, so a moved test clock is noticed soon. A run outside a
        # zone's 07:xx does nothing, and a day's digest is sent once however often it runs.
        _loop(stop, 60.0, lambda: digests(SCHEDULED_EVENT, context), "daily digests (07:00 local)"),
    ]

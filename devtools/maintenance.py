"""What the offline maintenance tools share (``rebuild_stats``, ``reindex_reports``): which DynamoDB
they talk to — the one the environment points at (``AWS_*`` variables, ``TABLE_PREFIX``), or
``--endpoint`` / ``--table-prefix``."""

from __future__ import annotations

import argparse
import os


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL (default: from the environment)")
    parser.add_argument("--table-prefix", help="table name prefix (default: TABLE_PREFIX)")


def point_at(args: argparse.Namespace) -> None:
    """Call before anything reads the settings or builds a connection."""
    if args.endpoint:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = args.endpoint
    if args.table_prefix:
        os.environ["TABLE_PREFIX"] = args.table_prefix

"""The one-off maintenance command that puts reports written before an index existed on it
(devtools/reindex_reports.py), on the moto server: what participation's "held now" and the daily
digest read from the ``open-index`` then sees them.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.agencies import regency_coordinator
from tests.staff import file_report

MAKASSAR = regency_coordinator("73.71")  # a filed report waits in its verification queue


def forget_index_attributes(tracking_id: str) -> None:
    """What a report last written before the open-index existed looks like: no ``open_agency``."""
    from chalicelib.models import ComplaintModel

    ComplaintModel(tracking_id).update(actions=[ComplaintModel.open_agency.remove()])


def held(agency_id: str) -> int:
    from chalicelib.domain.participation import held_now
    from chalicelib.services.participation import open_reports

    return held_now(open_reports(agency_id)).held


@pytest.fixture(params=["moto", "moto with partition_queries"])
def queries_as(request):
    """Both ways the reads are answered: moto as it is, and with the bench's partition speedup (an
    index Query from a map of the table kept until the next write: it must see every write)."""
    from tests.moto_speedups import partition_queries

    if request.param == "moto":
        yield
        return
    with partition_queries():
        yield


def test_an_open_report_missing_from_the_open_index_is_put_back_once(client, capsys, queries_as):
    from devtools import reindex_reports

    # Given two more reports waiting for Kota Makassar, one of them written before the open-index existed
    before = held(MAKASSAR.agency_id)
    tracking_ids = [file_report(client)["tracking_id"] for _ in range(2)]
    assert held(MAKASSAR.agency_id) == before + 2
    forget_index_attributes(tracking_ids[0])
    assert held(MAKASSAR.agency_id) == before + 1
    # When the operator runs the command with --dry-run
    capsys.readouterr()  # (the log lines so far)
    assert reindex_reports.main(["--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    # Then it names the one stale report and changes nothing
    assert (dry["dry_run"], dry["stale"], dry["fixed"], dry["attributes"]) == (True, 1, 0, {"open_agency": 1})
    assert dry["scanned"] >= 2
    assert held(MAKASSAR.agency_id) == before + 1
    # When it runs for real, the report is held again; a second run finds nothing to do
    done = reindex_reports.reindex()
    assert (done["stale"], done["fixed"], done["changed_meanwhile"]) == (1, 1, 0)
    assert held(MAKASSAR.agency_id) == before + 2
    assert reindex_reports.reindex()["stale"] == 0


def test_a_report_changed_after_it_was_read_is_left_to_its_own_write(client):
    from chalicelib.models import ComplaintModel
    from devtools import reindex_reports

    # Given a stale report read by the command
    tracking_id = file_report(client)["tracking_id"]
    forget_index_attributes(tracking_id)
    read = ComplaintModel.get(tracking_id)
    changes = reindex_reports.stale_attributes(read)
    assert changes == {"open_agency": MAKASSAR.agency_id}
    # When the report changes before the command writes (its version moves on)
    ComplaintModel(tracking_id).update(actions=[ComplaintModel.version.add(1)])
    # Then the command's write is refused and nothing is overwritten
    assert reindex_reports.fix(read, changes) is False
    assert ComplaintModel.get(tracking_id).open_agency is None

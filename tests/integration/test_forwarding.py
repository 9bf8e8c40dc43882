"""Forwarding (disposisi) of new reports by the stream-driven forwarder, against the moto server."""

from __future__ import annotations

import json

from tests.staff import DINKES_MKS, MAKASSAR, PUPR_MKS, file_report, staff_view


def test_a_report_with_a_routing_rule_lands_with_that_unit(client, staff, pump):
    # Given a health report in Kota Makassar, where a rule sends health to Dinas Kesehatan
    receipt = file_report(client, category="health")
    # When the forwarder has read the stream
    pump.drain()
    # Then the unit holds it as forwarded, with its first-response and resolution deadlines
    view = staff_view(client, staff.headers("officer", DINKES_MKS), receipt["tracking_id"])
    assert view["status"] == "forwarded" and view["agency_id"] == DINKES_MKS
    assert set(view["deadlines"]) == {"first_response", "resolution"}
    assert view["deadlines"]["first_response"]["due"].endswith("23:59:59+08:00")


def test_the_reporters_choice_wins_over_the_rules(client, staff, pump):
    receipt = file_report(client, category="health", target_agency_id=PUPR_MKS)
    pump.drain()
    assert staff_view(client, staff.national(), receipt["tracking_id"])["agency_id"] == PUPR_MKS


def test_without_a_rule_the_report_waits_in_the_regency_queue_and_its_coordinator_is_told(
        client, staff, pump, outbox_path):
    receipt = file_report(client, category="social_aid")
    pump.drain()
    view = staff_view(client, staff.headers("coordinator", MAKASSAR), receipt["tracking_id"])
    assert view["status"] == "submitted" and view["agency_id"] == MAKASSAR
    assert [e["type"] for e in view["timeline"]][:2] == ["submitted", "queued"]
    told = [json.loads(line) for line in outbox_path.read_text().splitlines()
            if receipt["tracking_id"] in line]
    assert any(m["recipient"] == f"agency:{MAKASSAR}" and "menunggu verifikasi" in m["subject"] for m in told)


def test_a_province_rule_applies_when_the_regency_has_none(client, staff, pump):
    # Given the national admin routes environment reports anywhere in Sulawesi Selatan to a unit
    rule = client.http.post("/admin/routing-rules", headers=staff.national(), body=json.dumps(
        {"region_code": "73", "category": "environment", "agency_id": PUPR_MKS}))
    assert rule.status_code == 201
    # When an environment report comes from Kabupaten Gowa (73.06)
    receipt = file_report(client, category="environment", regency_code="73.06")
    pump.drain()
    # Then the province rule forwarded it
    assert staff_view(client, staff.national(), receipt["tracking_id"])["agency_id"] == PUPR_MKS


class FailFirstTransaction:
    """Fault injection: the next N TransactWriteItems calls fail as if DynamoDB throttled."""

    def __init__(self, times: int) -> None:
        self.left = times

    def __call__(self, model, **kwargs):
        if model.name == "TransactWriteItems" and self.left > 0:
            self.left -= 1
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}},
                              "TransactWriteItems")


def test_a_failing_forward_step_is_retried_and_forwards_exactly_once(client, staff, pump):
    from chalicelib.services import store

    receipt = file_report(client, category="health")
    fault = FailFirstTransaction(times=5)  # more than the store's own retries: the batch fails
    events = store.connection().client.meta.events
    events.register("before-call.dynamodb.TransactWriteItems", fault)
    try:
        pump.drain()  # the pump hands the failed batch over again, as Lambda does
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", fault)
    assert fault.left == 0
    view = staff_view(client, staff.national(), receipt["tracking_id"])
    assert view["status"] == "forwarded"
    assert [e["type"] for e in view["timeline"]].count("forwarded") == 1


def test_the_same_stream_record_twice_forwards_once(client, staff, pump):
    from chalicelib.services import forwarding, store

    receipt = file_report(client, category="health")
    original = store.get(receipt["tracking_id"], consistent=True)
    pump.drain()
    # When the forwarder sees the INSERT again (a replayed batch)
    assert forwarding.route(original) == "already_done"
    view = staff_view(client, staff.national(), receipt["tracking_id"])
    assert [e["type"] for e in view["timeline"]].count("forwarded") == 1



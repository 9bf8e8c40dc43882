"""Fuzzing the API from its own OpenAPI document (Schemathesis), against the real local stack over HTTP.

Every operation in ``GET /openapi.json`` gets generated requests, valid ones and invalid ones, public
and staff (with the stack's demo keys). Half of the requests that name a report name a real one (with
its reporter token), so the generator reaches past "404". Every answer must be a non-5xx that the
document describes: status code, content type, headers and body schema.
"""

from __future__ import annotations

import json
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.openapi import document
from tests.factories import valid_report
from tests.reliability.conftest import FULL, SIZES

pytestmark = pytest.mark.e2e

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
OPERATIONS = [(path, method) for path, item in document()["paths"].items() for method in item]
# Invalid requests for every operation that takes something (there is nothing to make invalid otherwise).
CASES = [(path, method, mode) for path, method in OPERATIONS for mode in GenerationMode
         if mode == GenerationMode.POSITIVE or {"parameters", "requestBody"} & set(document()["paths"][path][method])]
SENT: dict[str, int] = {}
_lock = threading.Lock()


@pytest.fixture(scope="module")
def api(stack):
    """The document as the stack serves it, and real reports for the generator to reach."""
    schema = schemathesis.openapi.from_url(stack.url("/openapi.json"))
    reports = []
    for overrides in ({}, {"category": "health"}, {"anonymous": True, "confidential": True}):
        response = stack.post("/complaints", json=valid_report(**overrides))
        assert response.status_code == 201, response.text
        reports.append(response.json())
    return schema, reports


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{o} {m.upper()} {p}" for p, m, o in CASES])
def test_every_generated_request_gets_a_documented_non_5xx_answer(stack, api, path, method, mode):
    schema, reports = api
    operation = schema[path][method]
    staff = bool(document()["paths"][path][method].get("security"))
    headers = stack.staff("national_admin") if staff else {}
    names_a_report = "{tracking_id}" in path

    def strategy():
        generated = operation.as_strategy(generation_mode=mode)
        if not names_a_report:
            return generated
        real = st.sampled_from(reports).flatmap(lambda r: operation.as_strategy(
            generation_mode=mode, path_parameters={"tracking_id": r["tracking_id"]},
            headers={"X-Reporter-Token": r["reporter_token"]} if not staff else None))
        return st.one_of(generated, real)

    @settings(max_examples=SIZES.fuzz_examples, deadline=None, database=None, derandomize=not FULL,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy())
    def check(case):
        with _lock:
            SENT[f"{method.upper()} {path}"] = SENT.get(f"{method.upper()} {path}", 0) + 1
        case.call_and_validate(base_url=stack.base_url, session=stack.http, headers=headers, checks=CHECKS,
                               timeout=30)

    check()


def test_enough_requests_were_generated(stack):
    # Runs after the fuzzing above (same module, declared last).
    total = sum(SENT.values())
    print(f"\nfuzzed requests: {total} over {len(SENT)} operations\n{json.dumps(SENT, indent=1)}")
    if FULL:
        assert total >= 1000
    else:
        assert total >= len(OPERATIONS)


def test_what_the_fuzzer_found_stays_fixed(client, staff):
    # A routing rule whose region or category is a list or an object was a 500 (unhashable)
    for bad in ({"region_code": [{"x": 1}], "category": "health"}, {"region_code": "73", "category": ["health"]}):
        response = client.http.post("/admin/routing-rules", headers=staff.national(),
                                    body=json.dumps({**bad, "agency_id": "dinas-kesehatan-kota-makassar"}))
        assert response.status_code == 422, response.body

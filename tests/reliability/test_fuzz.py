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


# --- SPEC §11: deep nesting and forged cursors, generated -----------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=12)


@st.composite
def deeply_nested(draw) -> str:
    """A JSON text nested from a few to thousands of levels, alone or inside a real report's field."""
    depth = draw(st.integers(min_value=5, max_value=6000))
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    core = opening * depth + json.dumps(draw(JSON_VALUES)) + closing * depth
    if draw(st.booleans()):
        field = draw(st.sampled_from(["title", "reporter", "attachments", "latitude", "province_code"]))
        return json.dumps(valid_report(**{field: "__DEEP__"})).replace('"__DEEP__"', core)
    return core


@st.composite
def forged_cursor(draw) -> str:
    """Base64 of JSON shaped like this API's cursors (scope, index, time, key), with any values."""
    import base64

    keys = draw(st.dictionaries(st.sampled_from(["tracking_id", "scope0", "agency_id", "submitted_key", "x"]),
                                st.one_of(JSON_VALUES, st.fixed_dictionaries({draw(st.sampled_from(
                                    ["S", "N", "B", "L", "M"])): JSON_VALUES})), max_size=4))
    state = draw(st.fixed_dictionaries({}, optional={
        "s": st.one_of(st.just("kemenpanrb"), JSON_VALUES), "i": st.one_of(st.just("scope0-index"), JSON_VALUES),
        "t": st.one_of(st.integers(), st.floats(allow_nan=False), JSON_VALUES), "p": JSON_VALUES,
        "k": st.one_of(st.just(keys), JSON_VALUES)}))
    raw = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    return draw(st.one_of(st.just(raw), st.text(max_size=40), st.just(raw + draw(st.text(max_size=3)))))


BODY_PATHS = ["/complaints", "/attachments", "/admin/agencies", "/admin/routing-rules",
              "/agency/complaints/LPR-AAAA-AAAA/actions"]


def test_deep_nesting_is_never_a_server_error(stack):
    @settings(max_examples=max(20, SIZES.fuzz_examples), deadline=None, database=None, derandomize=not FULL,
              suppress_health_check=list(HealthCheck))
    @given(text=deeply_nested(), path=st.sampled_from(BODY_PATHS))
    def check(text, path):
        response = stack.http.post(stack.url(path), data=text.encode(), timeout=30, headers={
            **stack.staff("national_admin"), "Content-Type": "application/json"})
        assert response.status_code < 500, (path, text[:80], response.text[:200])

    check()


def test_forged_cursors_are_never_a_server_error(stack):
    @settings(max_examples=max(30, SIZES.fuzz_examples), deadline=None, database=None, derandomize=not FULL,
              suppress_health_check=list(HealthCheck))
    @given(cursor=forged_cursor(), path=st.sampled_from(["/agency/complaints", "/agencies"]))
    def check(cursor, path):
        response = stack.http.get(stack.url(path), params={"cursor": cursor}, timeout=30,
                                  headers=stack.staff("national_admin"))
        assert response.status_code < 500, (path, cursor, response.text[:200])
        assert response.status_code in (200, 400), (path, cursor, response.text[:200])

    check()

"""Request bodies parsed by pydantic models (domain/bodies.py): each bad field keeps the message
(and, where it has one, the stable code) the API always gave, and forms become the JSON shapes."""

import pytest

from chalicelib.domain import bodies
from chalicelib.errors import ValidationFailed

ACTIONS = "forward, reject, return, respond, request_info, resolve, mark_duplicate"


def refused(parse, data) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse(data)
    return caught.value


@pytest.mark.parametrize(("data", "field", "message", "code"), [
    ({"action": "fly"}, "action", f"must be one of: {ACTIONS}", None),
    ({}, "action", f"must be one of: {ACTIONS}", None),
    ({"action": 7}, "action", f"must be one of: {ACTIONS}", None),
    ({"action": "respond", "note": 5}, "note", "must be text", "text"),
    ({"action": "forward", "agency_id": "Dinas PU"}, "agency_id", "unknown agency", None),
    ({"action": "forward", "agency_id": 3}, "agency_id", "unknown agency", None),
    ({"action": "mark_duplicate", "duplicate_of": ["LPR-7K3M-9QXD"]}, "duplicate_of",
     "must be a tracking id such as LPR-7K3M-9QXD", None),
    ({"action": "respond", "note": "ok", "extra": 1}, "extra", "unknown field", "unknown_field"),
    ({"action": "respond", "note": "ok\u202e"}, "note", "must not contain control or invisible formatting characters",
     "control_characters"),
])
def test_each_bad_action_field_gets_its_message_and_code(data, field, message, code):
    # Given a staff action body with one bad field, when it is parsed, then that field is named
    error = refused(bodies.staff_action, data)
    assert error.message == "the action is not valid"
    assert error.fields[field] == message
    body = error.body()["error"]
    assert body.get("field_codes", {}).get(field, {}).get("code") == code


def test_every_bad_action_field_is_named_at_once_in_a_stable_order():
    error = refused(bodies.staff_action, {"zeta": 1, "note": 1, "action": "fly", "alpha": 2})
    assert list(error.fields) == ["action", "note", "alpha", "zeta"]


def test_a_good_action_parses_as_sent():
    body = bodies.staff_action({"action": "forward", "agency_id": "dinas-pu-makassar", "note": "  lihat  "})
    assert (body.action, body.agency_id, body.note, body.duplicate_of) == (
        "forward", "dinas-pu-makassar", "  lihat  ", None)


def test_an_action_body_that_is_not_an_object_is_refused():
    assert refused(bodies.staff_action, ["forward"]).fields == {"body": "must be an object"}


def test_the_citizen_form_becomes_the_json_filing():
    # Given a form post as parse_qs gives it: blanks, a field sent twice, two uploads and one token
    form = {"kind": ["complaint"], "title": ["  ", " Jalan rusak "], "description": ["first", " second "],
            "latitude": [""], "anonymous": ["ON"], "reporter_name": ["Siti"], "reporter_email": ["  "],
            "attachments": ["upl_aaaaaaaa", " ", "upl_bbbbbbbb"], "attachment_tokens": ["tok"],
            "idempotency_key": ["k" * 20], "lang": ["en"]}
    # When it is read
    data = bodies.form_to_submission(form)
    # Then each field is its last non-blank value, flags are booleans, and an upload without its
    # token travels with an empty one (the filing refuses it)
    assert data == {"kind": "complaint", "title": "Jalan rusak", "description": "second", "lang": "en",
                    "anonymous": True, "confidential": False, "token_by_email": False, "reporter": {"name": "Siti"},
                    "attachments": [{"upload_id": "upl_aaaaaaaa", "upload_token": "tok"},
                                    {"upload_id": "upl_bbbbbbbb", "upload_token": ""}]}


def test_an_empty_citizen_form_is_an_empty_filing_for_the_validation_to_name():
    assert bodies.form_to_submission({}) == {"anonymous": False, "confidential": False, "token_by_email": False,
                                             "reporter": {}, "attachments": []}


def test_a_geo_report_reads_attributes_and_their_multivalue_form():
    request = bodies.geo_report({"attribute[kind][]": ["aspiration"], "attribute[kind]": [" "],
                                 "attribute[title]": ["Lampu mati"], "attribute[title][]": ["ignored"],
                                 "first_name": ["Siti"], "last_name": [" Rahma "], "address_id": ["73.71"]})
    assert (request.kind, request.title, request.reporter_name, request.regency) == (
        "aspiration", "Lampu mati", "Siti Rahma", "73.71")
    assert request.flagged_anonymous is False  # a name and no attribute[anonymous]: not anonymous


@pytest.mark.parametrize(("form", "anonymous"), [
    ({}, True),
    ({"first_name": ["Siti"]}, False),
    ({"first_name": ["Siti"], "attribute[anonymous]": ["true"]}, True),
    ({"attribute[anonymous]": ["false"]}, False),
])
def test_a_geo_report_is_anonymous_when_it_says_so_or_gives_no_name(form, anonymous):
    assert bodies.geo_report(form).flagged_anonymous is anonymous


@pytest.mark.parametrize(("data", "header", "summary", "field", "message"), [
    ({}, None, "a message is required", "message", "required"),
    ({"message": 5}, None, "a message is required", "message", "required"),
    ({"message": None, "note": "older clients' name"}, None, "a message is required", "message", "required"),
    ({"message": "ok", "reply_key": "short"}, None, "bad reply key", "reply_key", "8–128 characters"),
    ({"message": "ok", "reply_key": 12345678}, None, "bad reply key", "reply_key", "8–128 characters"),
    ({"message": "ok"}, "k" * 129, "bad reply key", "reply_key", "8–128 characters"),
])
def test_a_bad_reply_names_its_first_problem(data, header, summary, field, message):
    error = refused(lambda body: bodies.reply(body, header), data)
    assert (error.message, error.fields) == (summary, {field: message})


def test_a_reply_takes_note_as_its_message_and_the_header_key_first():
    body = bodies.reply({"note": "terima kasih", "reply_key": "b" * 8}, "h" * 8)
    assert (body.message, body.reply_key) == ("terima kasih", "h" * 8)


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"decision": "maybe"}, "decision", "decision"),
    ({}, "decision", "decision"),
    ({"decision": "accept", "rating": 6}, "rating", "rating"),
    ({"decision": "accept", "rating": True}, "rating", "rating"),
    ({"decision": "accept", "rating": 4.0}, "rating", "rating"),
    ({"decision": "accept", "comment": "x" * 2001}, "comment", "max_length"),
    ({"decision": "accept", "comment": 5}, "comment", "max_length"),
    ({"decision": "reopen", "comment": "   "}, "comment", "reason_required"),
    ({"decision": "reopen", "rating": 9}, "comment", "reason_required"),  # named with the rating's problem
])
def test_each_bad_feedback_field_gets_its_code(data, field, code):
    error = refused(bodies.feedback, data)
    assert error.message == "some fields are not valid"
    assert error.body()["error"]["field_codes"][field]["code"] == code


def test_good_feedback_parses_with_an_empty_comment_for_none():
    body = bodies.feedback({"decision": "accept", "rating": 5, "comment": None, "extra": "ignored"})
    assert (body.decision, body.rating, body.comment) == ("accept", 5, "")


@pytest.mark.parametrize(("data", "field", "message", "code"), [
    ({"content_type": "image/png", "size": 10}, "filename", "required", "required"),
    ({"filename": "  ", "content_type": "image/png", "size": 10}, "filename", "required", "required"),
    ({"filename": "x" * 201, "content_type": "image/png", "size": 10}, "filename",
     "must be a file name of at most 200 characters", None),
    ({"filename": "a\x01.png", "content_type": "image/png", "size": 10}, "filename",
     "must be a file name of at most 200 characters", None),
    ({"filename": "a.txt", "content_type": "text/plain", "size": 10}, "content_type",
     "must be a JPEG or PNG image or a PDF (image/jpeg, image/png, application/pdf)", "file_type"),
    ({"filename": "a.png", "content_type": "image/png", "size": 0}, "size",
     "must be the file size in bytes (a whole number, at least 1)", None),
    ({"filename": "a.png", "content_type": "image/png", "size": "10"}, "size",
     "must be the file size in bytes (a whole number, at least 1)", None),
    ({"filename": "a.png", "content_type": "image/png", "size": 10 * 1024 * 1024 + 1}, "size",
     "must be at most 10 MB", "file_size"),
])
def test_each_bad_upload_field_gets_its_message(data, field, message, code):
    error = refused(bodies.upload_request, data)
    assert error.message == "this file cannot be attached" and error.fields[field] == message
    assert error.body()["error"].get("field_codes", {}).get(field, {}).get("code") == code


def test_an_upload_request_gives_the_media_type_alone():
    assert bodies.upload_request({"filename": "a.pdf", "content_type": " Application/PDF; x=1", "size": 1,
                                  "extra": 1}).content_type == "application/pdf"


def test_a_routing_rule_names_every_bad_field():
    error = refused(bodies.routing_rule, {"region_code": "99", "category": 5, "agency_id": "Dinas PU"})
    assert (error.message, error.fields) == ("the rule is not valid", {
        "region_code": "a province (73) or regency/city (73.71) code",
        "category": "unknown category: see GET /categories", "agency_id": "unknown agency"})


@pytest.mark.parametrize(("data", "summary", "fields"), [
    ({"role": "officer", "agency_id": "dinas-pu", "label": "x" * 101}, "bad label",
     {"label": "text of at most 100 characters"}),
    ({"role": "officer", "agency_id": "Dinas PU", "label": 5}, "bad label",
     {"label": "text of at most 100 characters"}),
    ({"role": "officer"}, "unknown agency", {"agency_id": "unknown agency"}),
    (["officer"], "the body must be an object", {"body": "must be an object"}),
])
def test_a_bad_key_request_names_its_first_problem(data, summary, fields):
    error = refused(bodies.key_request, data)
    assert (error.message, error.fields) == (summary, fields)

"""The reporter token people can keep (SPEC §13): grouped Crockford symbols, any case or spacing."""

from __future__ import annotations

import math
import secrets

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import identifiers


def test_a_new_token_is_five_groups_of_four_without_look_alikes_and_carries_100_bits():
    # Given many new tokens
    tokens = {identifiers.new_reporter_token() for _ in range(500)}
    # Then each is XXXX-XXXX-XXXX-XXXX-XXXX with no I, L, O or U, and none repeats
    assert len(tokens) == 500
    for token in tokens:
        groups = token.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
        assert not set(token) & set("ILOUilou")
        assert set(token.replace("-", "")) <= set(identifiers.CROCKFORD)
    # And the alphabet and length give at least 100 bits
    assert len(set(identifiers.CROCKFORD)) == 32
    assert 20 * math.log2(len(identifiers.CROCKFORD)) >= 100


@given(st.sampled_from(["lower", "upper", "spaces", "compact", "look-alikes", "tabs"]))
def test_any_case_and_spacing_gives_the_same_token(style):
    # Given a token and the way a person types it back
    token = identifiers.new_reporter_token()
    stored = identifiers.hash_secret(token)
    typed = {
        "lower": token.lower(),
        "upper": token,
        "spaces": " " + token.replace("-", " ") + " ",
        "compact": token.replace("-", "").lower(),
        "look-alikes": token.replace("0", "o").replace("1", "l"),
        "tabs": token.replace("-", "\t"),
    }[style]
    # Then it matches the stored hash
    assert identifiers.normalize_reporter_token(typed) == token
    assert identifiers.reporter_token_matches(typed, stored)


def test_an_old_format_token_keeps_working_exactly_as_given():
    # Given a token from before the grouped format (32 URL-safe characters, case matters)
    old = secrets.token_urlsafe(24)
    while old.lower() == old:
        old = secrets.token_urlsafe(24)
    stored = identifiers.hash_secret(old)
    # Then it matches as given, with surrounding blanks, but not in another case
    assert identifiers.reporter_token_matches(old, stored)
    assert identifiers.reporter_token_matches(f"  {old}\n", stored)
    assert not identifiers.reporter_token_matches(old.lower(), stored)


def test_a_wrong_or_empty_token_never_matches():
    token = identifiers.new_reporter_token()
    stored = identifiers.hash_secret(token)
    other = identifiers.new_reporter_token()
    assert not identifiers.reporter_token_matches(other, stored)
    assert not identifiers.reporter_token_matches(token[:-1], stored)
    assert not identifiers.reporter_token_matches("", stored)
    assert not identifiers.reporter_token_matches(None, stored)
    assert not identifiers.reporter_token_matches("x" * 10_000, stored)
    assert identifiers.normalize_reporter_token("UUUU-UUUU-UUUU-UUUU-UUUU") is None

"""PKCE helpers: the verifier's alphabet and length, the S256 challenge, the authorize URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from resonance.spotify.pkce import (
    authorize_url,
    challenge_for,
    is_valid_verifier,
    make_state,
    make_verifier,
)


def test_verifier_uses_the_allowed_characters_and_lengths() -> None:
    for length in (43, 64, 128):
        verifier = make_verifier(length)
        assert len(verifier) == length
        assert is_valid_verifier(verifier)
    assert make_verifier() != make_verifier()
    with pytest.raises(ValueError, match="43 to 128"):
        make_verifier(42)
    assert not is_valid_verifier("short")
    assert not is_valid_verifier("a" * 42 + "!")


def test_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_for(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_authorize_url_carries_every_parameter() -> None:
    state = make_state()
    url = authorize_url(
        "http://127.0.0.1:1/",
        client_id="cid",
        redirect_uri="http://127.0.0.1:3000/callback",
        challenge="abc",
        state=state,
    )
    query = parse_qs(urlparse(url).query)
    assert urlparse(url).path == "/authorize"
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [state]
    assert query["response_type"] == ["code"]
    assert "user-library-read" in query["scope"][0].split()

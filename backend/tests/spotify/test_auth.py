"""The whole PKCE flow and token refresh against the sandbox running as a real server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from resonance.spotify.auth import AccountsClient
from resonance.spotify.client import SpotifyClient
from resonance.spotify.errors import ReauthorizationRequired
from resonance.spotify.pkce import authorize_url, challenge_for, make_state, make_verifier
from tests.spotify.fixtures import sandbox_settings
from tests.spotify.sandbox_server import CLIENT_ID, REDIRECT_URI, SandboxServer


def consent(
    server: SandboxServer,
    *,
    decision: str = "approve",
    redirect_uri: str = REDIRECT_URI,
    user: str = "demo",
) -> tuple[dict[str, list[str]], str, str]:
    """Drive the consent page like a browser; returns (callback query, verifier, state)."""
    verifier, state = make_verifier(), make_state()
    url = authorize_url(
        server.base,
        client_id=CLIENT_ID,
        redirect_uri=redirect_uri,
        challenge=challenge_for(verifier),
        state=state,
    )
    page = httpx.get(url)
    assert page.status_code == 200
    assert 'id="approve"' in page.text.replace("'", '"')
    assert 'id="deny"' in page.text.replace("'", '"')
    fields = dict(re.findall(r"name='([^']+)' value='([^']*)'", page.text))
    fields.update({"user": user, "decision": decision})
    answer = httpx.post(f"{server.base}/authorize", data=fields)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(redirect_uri)
    return parse_qs(urlparse(location).query), verifier, state


async def test_pkce_flow_issues_tokens_that_the_web_api_accepts(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    query, verifier, state = consent(sandbox)
    assert query["state"] == [state]
    accounts = AccountsClient(sandbox.base, CLIENT_ID)
    tokens = await accounts.exchange_code(
        code=query["code"][0], redirect_uri=REDIRECT_URI, verifier=verifier
    )
    assert tokens.refresh_token and not tokens.expired
    assert tokens.access_token not in repr(tokens)
    async with SpotifyClient(sandbox_settings(sandbox, tmp_path), tokens.access_token) as client:
        me = await client.me()
    assert me["id"] == "demo" and me["account_id"]


async def test_a_wrong_verifier_is_refused(sandbox: SandboxServer) -> None:
    query, _, _ = consent(sandbox)
    with pytest.raises(ReauthorizationRequired, match="code_verifier"):
        await AccountsClient(sandbox.base, CLIENT_ID).exchange_code(
            code=query["code"][0], redirect_uri=REDIRECT_URI, verifier=make_verifier()
        )


async def test_a_different_redirect_uri_is_refused(sandbox: SandboxServer) -> None:
    query, verifier, _ = consent(sandbox)
    with pytest.raises(ReauthorizationRequired, match="redirect"):
        await AccountsClient(sandbox.base, CLIENT_ID).exchange_code(
            code=query["code"][0], redirect_uri=REDIRECT_URI + "/other", verifier=verifier
        )


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(
    sandbox: SandboxServer,
) -> None:
    url = authorize_url(
        sandbox.base,
        client_id=CLIENT_ID,
        redirect_uri="http://localhost:3000/callback",
        challenge=challenge_for(make_verifier()),
        state="s",
    )
    page = httpx.get(url)
    assert page.status_code == 400
    assert "redirect URI" in page.text


async def test_a_code_cannot_be_used_twice(sandbox: SandboxServer) -> None:
    query, verifier, _ = consent(sandbox)
    accounts = AccountsClient(sandbox.base, CLIENT_ID)
    await accounts.exchange_code(
        code=query["code"][0], redirect_uri=REDIRECT_URI, verifier=verifier
    )
    with pytest.raises(ReauthorizationRequired):
        await accounts.exchange_code(
            code=query["code"][0], redirect_uri=REDIRECT_URI, verifier=verifier
        )


def test_denied_consent_redirects_with_access_denied(sandbox: SandboxServer) -> None:
    query, _, state = consent(sandbox, decision="deny")
    assert query == {"error": ["access_denied"], "state": [state]}


async def test_refresh_rotates_and_the_old_refresh_token_stops_working(
    sandbox: SandboxServer,
) -> None:
    query, verifier, _ = consent(sandbox)
    accounts = AccountsClient(sandbox.base, CLIENT_ID)
    first = await accounts.exchange_code(
        code=query["code"][0], redirect_uri=REDIRECT_URI, verifier=verifier
    )
    assert first.refresh_token is not None
    second = await accounts.refresh(first.refresh_token)
    assert second.refresh_token not in (None, first.refresh_token)
    assert second.access_token != first.access_token
    with pytest.raises(ReauthorizationRequired, match="sign in again"):
        await accounts.refresh(first.refresh_token)
    assert second.refresh_token is not None
    third = await accounts.refresh(second.refresh_token)
    assert third.refresh_token


async def test_refresh_keeps_the_old_refresh_token_when_none_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": "new", "expires_in": 3600, "scope": ""})

    real = httpx.AsyncClient

    def fake_client(**kwargs: object) -> httpx.AsyncClient:
        return real(transport=httpx.MockTransport(answer))

    monkeypatch.setattr("resonance.spotify.auth.httpx.AsyncClient", fake_client)
    tokens = await AccountsClient("http://accounts.invalid", "cid").refresh("old-refresh")
    assert (tokens.access_token, tokens.refresh_token) == ("new", "old-refresh")


@pytest.mark.parametrize("how", ["revoke", "expire"])
async def test_revoked_or_expired_refresh_tokens_answer_invalid_grant(
    sandbox: SandboxServer, how: str
) -> None:
    tokens = sandbox.tokens("alice")
    sandbox.admin("revoke", {"user": "alice", "expire": how == "expire"})
    with pytest.raises(ReauthorizationRequired):
        await AccountsClient(sandbox.base, CLIENT_ID).refresh(tokens["refresh_token"])

"""The accounts service: consent page, authorization codes and the token endpoint."""

from __future__ import annotations

import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from resonance.sandbox.runtime import Sandbox, sandbox_of
from resonance.spotify import challenge_for, is_valid_verifier

router = APIRouter(include_in_schema=False)
CODE_TTL = 600.0


def _token_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


_STYLE = (
    "body{font-family:system-ui,sans-serif;color:#1b1b24;background:#f5f5fa;margin:0;"
    "padding:2rem 1rem}main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:14px;"
    "padding:1.5rem 1.75rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.35rem;"
    "margin:0 0 .75rem}.note{color:#5b5b6b;font-size:.9rem}ul{padding-left:1.2rem}"
    "li{margin:.25rem 0}select{font:inherit;padding:.35rem}button{font:inherit;"
    "padding:.55rem 1.4rem;margin:.5rem .75rem 0 0;border-radius:8px;border:1px solid #4b3fd1;"
    "cursor:pointer}#approve{background:#4b3fd1;color:#fff}#deny{background:#fff;color:#4b3fd1}"
)
# No request for /favicon.ico (a 404 in the console): the icon is inline.
_ICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Ccircle cx='8' cy='8' r='7' fill='%234b3fd1'/%3E%3C/svg%3E"
)
# What each scope lets Resonance do, in words a listener reads on the consent page.
SCOPE_TEXT = {
    "user-library-read": "See your saved tracks",
    "user-top-read": "See your top tracks",
    "user-read-recently-played": "See what you played recently",
    "playlist-read-private": "See your private playlists",
    "playlist-read-collaborative": "See your collaborative playlists",
    "playlist-modify-private": "Create private playlists for you",
    "playlist-modify-public": "Create public playlists for you",
    "user-read-private": "See your account's country and plan",
    "user-read-email": "See your email address",
}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title><link rel='icon' href=\"{_ICON}\"><style>{_STYLE}</style>"
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>",
        status_code=status,
    )


# Every scope Spotify's accounts service knows (Scopes reference); others are refused.
KNOWN_SCOPES = frozenset(
    [
        "ugc-image-upload",
        "user-read-playback-state",
        "user-modify-playback-state",
        "user-read-currently-playing",
        "app-remote-control",
        "streaming",
        "playlist-read-private",
        "playlist-read-collaborative",
        "playlist-modify-private",
        "playlist-modify-public",
        "user-follow-modify",
        "user-follow-read",
        "user-read-playback-position",
        "user-top-read",
        "user-read-recently-played",
        "user-library-modify",
        "user-library-read",
        "user-read-email",
        "user-read-private",
        "user-personalized",
        "user-soa-link",
        "user-soa-unlink",
        "soa-manage-entitlements",
        "soa-manage-partner",
        "soa-create-partner",
    ]
)


def redirect_uri_problem(uri: str) -> str | None:
    """Spotify's redirect URI rules: HTTPS, or plain HTTP on a loopback IP; never `localhost`."""
    parts = urlsplit(uri)
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "INVALID_CLIENT: Insecure redirect URI (localhost is not allowed, use 127.0.0.1)"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host in ("127.0.0.1", "::1"):
        return None
    return "INVALID_CLIENT: Insecure redirect URI (HTTPS, or HTTP on 127.0.0.1 or [::1])"


def _check_client(sandbox: Sandbox, params: dict[str, str]) -> str | None:
    if params.get("client_id") not in sandbox.client_ids:
        return "INVALID_CLIENT: Invalid client"
    if params.get("response_type") != "code":
        return "unsupported_response_type"
    redirect = params.get("redirect_uri", "")
    problem = redirect_uri_problem(redirect)
    if problem:
        return problem
    if redirect not in sandbox.redirect_uris:
        return "INVALID_CLIENT: Invalid redirect URI"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "invalid_request: code_challenge with method S256 is required"
    return None


def _back_to_app(params: dict[str, str], answer: dict[str, str]) -> RedirectResponse:
    if params.get("state"):
        answer["state"] = params["state"]
    redirect = params["redirect_uri"]
    separator = "&" if "?" in redirect else "?"
    return RedirectResponse(f"{redirect}{separator}{urlencode(answer)}", status_code=303)


def _refuse_unknown_scopes(params: dict[str, str]) -> RedirectResponse | None:
    """An unknown scope: `error=invalid_scope`, sent back through the verified redirect URI."""
    if set(params.get("scope", "").split()) - KNOWN_SCOPES:
        return _back_to_app(params, {"error": "invalid_scope"})
    return None


@router.get("/authorize")
async def authorize(request: Request) -> Response:
    """The consent page: pick a demo user, then Approve or Deny."""
    sandbox = sandbox_of(request)
    params = dict(request.query_params)
    problem = _check_client(sandbox, params)
    if problem:  # like Spotify: an error page, never a redirect to an unverified URI
        return _page("Sandbox authorisation error", f"<p>{html.escape(problem)}</p>", 400)
    refused = _refuse_unknown_scopes(params)
    if refused:
        return refused
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in params.items()
        if k != "user"
    )
    chosen = params.get("user", sandbox.default_user)
    options = "".join(
        f"<option value='{u}'{' selected' if u == chosen else ''}>"
        f"{html.escape(user.display_name)} ({u})</option>"
        for u, user in sandbox.world.users.items()
    )
    scopes = "".join(
        f"<li>{html.escape(SCOPE_TEXT.get(s, s))}</li>" for s in params.get("scope", "").split()
    )
    body = (
        "<p class='note'>This is the demo's stand-in for Spotify's sign-in page: pick one of its"
        " listeners; no real account is used.</p><p>Resonance would like to:</p>"
        f"<ul>{scopes}</ul><form method='post' action='/authorize'>{hidden}"
        f"<p><label>Sign in as <select name='user' id='user'>{options}</select></label></p>"
        "<button type='submit' name='decision' value='approve' id='approve'>Approve</button>"
        "<button type='submit' name='decision' value='deny' id='deny'>Deny</button>"
        "</form>"
    )
    return _page("Connect Resonance to your (sandbox) Spotify", body)


@router.post("/authorize")
async def decide(request: Request) -> Response:
    sandbox = sandbox_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    problem = _check_client(sandbox, form)
    if problem:
        return _page("Sandbox authorisation error", f"<p>{html.escape(problem)}</p>", 400)
    refused = _refuse_unknown_scopes(form)
    if refused:
        return refused
    answer: dict[str, str] = {}
    if form.get("decision") != "approve":
        answer["error"] = "access_denied"
    else:
        user = form.get("user") or sandbox.default_user
        if user not in sandbox.world.users:
            return _page("Sandbox authorisation error", "<p>Unknown user</p>", 400)
        code = secrets.token_urlsafe(32)
        sandbox.auth.codes[code] = sandbox.grant_for(user, form, time.time() + CODE_TTL)
        answer["code"] = code
    return _back_to_app(form, answer)


@router.post("/api/token")
async def token(request: Request) -> JSONResponse:
    """authorization_code (with the PKCE verifier) and refresh_token grants."""
    sandbox = sandbox_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    if form.get("client_id") not in sandbox.client_ids:
        return _token_error("invalid_client", "Invalid client", 400)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _exchange(sandbox, form)
    if grant_type == "refresh_token":
        return _refresh(sandbox, form)
    return _token_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _exchange(sandbox: Sandbox, form: dict[str, str]) -> JSONResponse:
    grant = sandbox.auth.codes.get(form.get("code", ""))
    if grant is None or grant.used or grant.expires_at < time.time():
        if grant is not None and grant.used:
            # A replayed code revokes what it issued, as OAuth 2.0 recommends.
            sandbox.auth.revoke_user(grant.user_id, access=False)
        return _token_error("invalid_grant", "Invalid authorization code")
    grant.used = True
    if grant.client_id != form.get("client_id"):
        return _token_error("invalid_grant", "Invalid authorization code")
    if grant.redirect_uri != form.get("redirect_uri"):
        return _token_error("invalid_grant", "Invalid redirect URI")
    verifier = form.get("code_verifier", "")
    if not is_valid_verifier(verifier) or challenge_for(verifier) != grant.challenge:
        return _token_error("invalid_grant", "code_verifier was incorrect")
    body = sandbox.auth.issue(
        grant.user_id, grant.client_id, grant.scope, sandbox.switches.access_token_ttl, time.time()
    )
    return JSONResponse(body)


def _refresh(sandbox: Sandbox, form: dict[str, str]) -> JSONResponse:
    old = sandbox.auth.refresh.get(form.get("refresh_token", ""))
    if old is None or old.revoked:
        return _token_error("invalid_grant", "Invalid refresh token")
    if old.used:
        return _token_error("invalid_grant", "Refresh token already used")
    if old.expires_at < time.time():
        return _token_error("invalid_grant", "Refresh token expired")
    if old.client_id != form.get("client_id"):
        return _token_error("invalid_grant", "Invalid refresh token")
    old.used = True  # rotation: every refresh returns a new refresh token
    body: dict[str, Any] = sandbox.auth.issue(
        old.user_id, old.client_id, old.scope, sandbox.switches.access_token_ttl, old.consented_at
    )
    return JSONResponse(body)

"""`resonance sandbox`: run the Spotify-compatible server."""

from __future__ import annotations

import typer

from resonance.sandbox import DEFAULT_CLIENT_ID, DEFAULT_SEED, Switches


def sandbox_command(
    host: str = typer.Option("127.0.0.1", help="Bind address (keep it on loopback)."),
    port: int = typer.Option(8765, help="Port."),
    seed: int = typer.Option(DEFAULT_SEED, help="Seed of the demo world."),
    mode: str = typer.Option("development", help="Quota mode: development or extended."),
    latency_ms: float = typer.Option(0.0, help="Added latency per Web API request."),
    rate_limit_count: int = typer.Option(0, help="Answer the next N requests with 429."),
    retry_after: float = typer.Option(1.0, help="Retry-After of injected 429s (seconds)."),
    quota_exceeded: bool = typer.Option(False, help="Answer 429 QUOTA_EXCEEDED to everything."),
    server_errors: int = typer.Option(0, help="Answer the next N requests with a 503."),
    token_ttl: float = typer.Option(3600.0, help="Access token lifetime (seconds)."),
    client_id: list[str] = typer.Option(None, help="Accepted client ids (repeatable)."),
    redirect_uri: list[str] = typer.Option(None, help="Registered redirect URIs (repeatable)."),
) -> None:
    """Serve the sandbox: accounts (/authorize, /api/token), the Web API (/v1), previews."""
    import uvicorn

    from resonance.sandbox import create_sandbox_app
    from resonance.settings import get_settings

    if mode not in ("development", "extended"):
        raise typer.BadParameter("mode is development or extended")
    settings = get_settings()
    clients = set(client_id or []) | {DEFAULT_CLIENT_ID}
    if settings.spotify_client_id:
        clients.add(settings.spotify_client_id)
    redirects = set(redirect_uri or []) | {settings.spotify_redirect_uri}
    switches = Switches(mode=mode, latency_ms=latency_ms, access_token_ttl=token_ttl)  # type: ignore[arg-type]
    # The fault flags go through the same checks as POST /_sandbox/switches.
    switches.update(
        {
            "rate_limit_count": rate_limit_count,
            "retry_after": retry_after,
            "quota_exceeded": quota_exceeded,
            "server_errors": server_errors,
        }
    )
    app = create_sandbox_app(
        base_url=f"http://{host}:{port}",
        seed=seed,
        client_ids=clients,
        redirect_uris=redirects,
        switches=switches,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

"""The sandbox's process-wide object: world, shapes, switches, grants and counters."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from resonance.sandbox.model import World
from resonance.sandbox.open_index import OpenIndex
from resonance.sandbox.shapes import Shapes
from resonance.sandbox.state import (
    AccessGrant,
    AuthStore,
    Grant,
    ServiceSwitches,
    Stats,
    Switches,
    service_switches,
)
from resonance.sandbox.world import DEMO_USER, build_world

DEFAULT_CLIENT_ID = "resonance-sandbox"

Renderer = Callable[[str, str], bytes]


def load_synth() -> Renderer:
    """The demo synthesiser that renders each world track's preview."""
    from resonance.audio import render_preview

    return render_preview


@dataclass
class Sandbox:
    base_url: str
    world: World
    client_ids: set[str]
    redirect_uris: set[str]
    switches: Switches = field(default_factory=Switches)
    auth: AuthStore = field(default_factory=AuthStore)
    stats: Stats = field(default_factory=Stats)
    default_user: str = DEMO_USER
    render: Renderer | None = None
    dirty: bool = False  # the world took writes; a reset rebuilds it
    services: dict[str, ServiceSwitches] = field(default_factory=service_switches)
    last_seen: dict[tuple[str, str], float] = field(default_factory=dict)  # (service, client)
    _open_index: OpenIndex | None = None

    @property
    def open_index(self) -> OpenIndex:
        """The world's MBIDs, Deezer ids and similarity; rebuilt when the world is."""
        if self._open_index is None or self._open_index.world is not self.world:
            self._open_index = OpenIndex(self.world)
        return self._open_index

    @classmethod
    def create(
        cls,
        base_url: str,
        *,
        seed: int,
        client_ids: set[str],
        redirect_uris: set[str],
        switches: Switches | None = None,
    ) -> Sandbox:
        render = load_synth()
        return cls(
            base_url=base_url.rstrip("/"),
            world=build_world(seed),
            client_ids=client_ids,
            redirect_uris=redirect_uris,
            switches=switches or Switches(),
            render=render,
        )

    @property
    def shapes(self) -> Shapes:
        return self.shapes_at(self.base_url)

    def shapes_at(self, base: str) -> Shapes:
        """Shapes with URLs under `base`; `preview_url` only for extended-quota apps
        (development-mode apps get null since November 2024)."""
        previews = self.render is not None and self.switches.mode == "extended"
        return Shapes(self.world, base, previews=previews)

    def grant_for(self, user_id: str, form: dict[str, str], expires_at: float) -> Grant:
        return Grant(
            user_id=user_id,
            client_id=form["client_id"],
            redirect_uri=form["redirect_uri"],
            challenge=form["code_challenge"],
            scope=form.get("scope", ""),
            expires_at=expires_at,
        )

    def access_grant(self, token: str) -> tuple[AccessGrant | None, str]:
        grant = self.auth.access.get(token)
        if grant is None:
            return None, "Invalid access token"
        if grant.expires_at < time.time():
            return None, "The access token expired"
        return grant, ""


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox

"""A Spotify-compatible server (accounts + a Web API subset) over a deterministic demo world.

A separate application at the top of the house: it imports the Spotify PKCE helpers
and the audio synthesiser, and nothing in the service imports it.
"""

from resonance.sandbox.app import create_sandbox_app
from resonance.sandbox.runtime import DEFAULT_CLIENT_ID
from resonance.sandbox.state import Switches
from resonance.sandbox.world import DEFAULT_SEED

__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_SEED", "Switches", "create_sandbox_app"]

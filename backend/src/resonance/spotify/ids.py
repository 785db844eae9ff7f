"""The shape of a Spotify id in our API's inputs.

Spotify ids are 22 base-62 characters. Requests are held to a slightly looser shape
(ASCII letters, digits, ``-`` and ``_``; at most 64) so that the sandbox's and tests'
ids fit, while control characters, slashes or megabyte-long strings never reach a
Spotify URL, a database query or an error message.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

SPOTIFY_ID_PATTERN = r"^[0-9A-Za-z_-]{1,64}$"
SpotifyId = Annotated[str, Field(pattern=SPOTIFY_ID_PATTERN, description="A Spotify id")]

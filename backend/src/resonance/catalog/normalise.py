"""Normalised keys used to match the same song across Spotify, local files and CSVs."""

from __future__ import annotations

import re
import unicodedata

_BRACKETED = re.compile(
    r"[\(\[][^\)\]]*(?:remaster|version|edit|mix|live|mono|stereo|feat|ft\.)[^\)\]]*[\)\]]"
)
_DASH_SUFFIX = re.compile(r"\s+-\s+.*(?:remaster|version|edit|mix|live|mono|stereo).*$")
_FEAT = re.compile(r"\s+(?:feat\.?|ft\.?|featuring)\s+.*$")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation and spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", without_marks).strip()


def title_key(title: str) -> str:
    """A title without remaster/version/featuring decorations."""
    lowered = title.casefold()
    lowered = _BRACKETED.sub(" ", lowered)
    lowered = _DASH_SUFFIX.sub("", lowered)
    lowered = _FEAT.sub("", lowered)
    return fold(lowered)


def artist_key(name: str) -> str:
    lowered = name.casefold()
    lowered = re.sub(r"^the\s+", "", lowered)
    return fold(lowered)

"""The runtime: settings, database, cache and jobs wired once per process, and the
request dependencies every feature's endpoints share.

The application layer (`resonance.app`) opens one `Runtime` with every feature's job
handlers for the API, the worker and each CLI command.
"""

from resonance.runtime.core import Runtime, running
from resonance.runtime.deps import (
    CacheDep,
    JobsDep,
    RuntimeDep,
    ServiceAuth,
    SessionDep,
    SettingsDep,
    SpotifyTokenDep,
    require_service_token,
)

__all__ = [
    "CacheDep",
    "JobsDep",
    "Runtime",
    "RuntimeDep",
    "ServiceAuth",
    "SessionDep",
    "SettingsDep",
    "SpotifyTokenDep",
    "require_service_token",
    "running",
]

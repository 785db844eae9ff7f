"""The application layer: the FastAPI factory, error handlers, health, metrics, jobs API,
the arq worker, and the wiring of every feature's job handlers into one runtime.

Nothing below imports this package; it imports them.
"""

from resonance.app.factory import create_app
from resonance.app.wiring import JOB_HANDLERS, command_runtime, open_runtime

__all__ = ["JOB_HANDLERS", "command_runtime", "create_app", "open_runtime"]

"""The DSP process pool does not outlive a killed parent (a SIGKILLed API or worker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PARENT = """
import time
from resonance.audio.workers import make_pool
pool = make_pool(2)
list(pool.map(abs, [-1, -2]))
print("ready", flush=True)
time.sleep(120)
"""


def test_pool_workers_exit_when_their_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE)
    assert parent.stdout is not None and parent.stdout.readline().strip() == b"ready"
    children = subprocess.run(
        ["pgrep", "-P", str(parent.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(children) >= 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{c}") for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [c for c in children if os.path.exists(f"/proc/{c}")] == []

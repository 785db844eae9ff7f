"""DSP pool workers: gone with a killed parent, and never re-running the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import time
from pathlib import Path
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


PROBE = """
import os, sys, time

def probe():
    time.sleep(0.5)  # busy, so the next submit goes to the other worker
    return os.getpid(), "resonance.cli" in sys.modules, "resonance.audio.workers" in sys.modules
"""

CLI_LIKE_MAIN = """
import resonance.cli  # the console entry point imports the whole CLI before any pool
from resonance.audio.workers import make_pool
from probe import probe  # beside this script: spawned workers get its sys.path

if __name__ == "__main__":
    pool = make_pool(2)
    answers = [f.result() for f in [pool.submit(probe) for _ in range(6)]]
    pool.shutdown()
    print(len({pid for pid, _, _ in answers}), *sorted({(cli, own) for _, cli, own in answers}))
"""


def test_workers_spawned_from_the_cli_do_not_import_it(tmp_path: Path) -> None:
    # A script file, like bin/resonance: spawn would re-run it in every worker. Both
    # workers answer: the pool starts them at different moments.
    (tmp_path / "probe.py").write_text(PROBE)
    main = tmp_path / "entry_point.py"
    main.write_text(CLI_LIKE_MAIN)
    done = subprocess.run(
        [sys.executable, str(main)], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.split() == ["2", "(False,", "True)"], done.stdout

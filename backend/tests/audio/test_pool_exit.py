"""A process that owns a worker pool ends without leaking the pool's semaphores.

Each case runs a real spawned pool in a fresh process group and stops it the way
`make demo` and a terminal do: SIGTERM to the owner, SIGINT to the whole group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest

OWNER = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from resonance.audio import workers

    if __name__ == "__main__":
        if sys.argv[1] == "fixed":
            workers.exit_cleanly_on_sigterm()
            initializer = workers._leave_interrupts_to_the_parent
        else:
            initializer = None
        pool = ProcessPoolExecutor(
            2, mp_context=multiprocessing.get_context("spawn"), initializer=initializer
        )
        pool.submit(os.getpid).result()
        print("ready", flush=True)
        time.sleep(60)
    """
)


def stop(how: int, variant: str, *, then_workers: bool = False) -> str:
    """Start an owner, stop it with `how`, and return everything its group wrote."""
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, variant],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert owner.stdout is not None
    assert owner.stdout.readline().strip() == "ready"
    if how == signal.SIGINT:
        os.killpg(owner.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    else:
        owner.send_signal(how)
    owner.wait(timeout=60)
    if then_workers:
        os.killpg(owner.pid, signal.SIGTERM)  # the resource tracker ignores SIGTERM
    try:
        # The pipe closes when the last holder exits: the workers and the resource
        # tracker, which prints its leak warning as it ends.
        return owner.stdout.read()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(owner.pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_stopping_the_owner_leaks_no_semaphore_and_no_worker_traceback(how: int) -> None:
    output = stop(how, "fixed")
    assert "leaked semaphore" not in output
    assert "Process SpawnProcess" not in output  # a worker's KeyboardInterrupt traceback


@pytest.mark.slow
def test_without_the_handler_sigterm_leaks_which_is_what_the_fix_is_for() -> None:
    # The default action of SIGTERM skips the pool's shutdown, and the workers of a
    # plain pool wait for work for ever: stop them too, then the tracker reports.
    assert "leaked semaphore" in stop(signal.SIGTERM, "default", then_workers=True)

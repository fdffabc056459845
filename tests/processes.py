"""Ending the processes a test starts, whatever happens to the test: a busy CI machine can make
any wait run out, and a process left behind breaks the tests after it."""

import contextlib
import signal
import subprocess


def end(process: subprocess.Popen, how: int = signal.SIGTERM, grace: float = 60) -> str:
    """Ask the process to stop (`how`), give it `grace` seconds, then SIGKILL it; returns what
    it wrote to a piped stdout (empty when not piped)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(how)
    try:
        output = process.communicate(timeout=grace)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        output = process.communicate()[0]
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    return output or ""

"""The processes `make run` starts, and how it stops them.

Every child runs in a session of its own (a terminal's Ctrl-C reaches only `make run`, which
then stops the children in order) and gets SIGTERM from the kernel if `make run` itself dies
(PR_SET_PDEATHSIG), so no service outlives it holding a port. A signal only sets a flag: the
first starts the stop, later ones (make and `uv run` forward SIGTERM, so one `kill` of the
process group arrives two or three times) are noted and never interrupt it. The stop sends
SIGTERM to every child, gives them STOP_GRACE seconds to drain, then SIGKILLs what is left.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

STOP_GRACE = 7.0  # seconds; with the kill and reap after it, a stop ends within 10 s
PR_SET_PDEATHSIG = 1


class Interrupted(Exception):
    """A stop was asked for (Ctrl-C or SIGTERM) while starting."""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    proc: "subprocess.Popen[bytes]"
    log: Path
    started: float

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])


class Supervisor:
    def __init__(self, logs: Path, verbose: bool = False) -> None:
        self.logs = logs
        self.verbose = verbose
        self.children: list[Child] = []
        self.stop_requested = threading.Event()
        self._signals = 0

    # --- signals ---------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGHUP, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._signals += 1
        if self._signals == 1:
            self.stop_requested.set()
        elif self._signals == 2:
            # Usually the same SIGTERM arriving again through make or `uv run`.
            os.write(sys.stdout.fileno(), b"  (already stopping; it takes at most 10 s)\n")

    def check(self) -> None:
        if self.stop_requested.is_set():
            raise Interrupted

    def sleep(self, seconds: float) -> None:
        if self.stop_requested.wait(seconds):
            raise Interrupted

    # --- children --------------------------------------------------------------------------

    def spawn(
        self, name: str, command: list[str], env: dict[str, str], cwd: Path, log_name: str
    ) -> Child:
        self.check()
        self.logs.mkdir(exist_ok=True)
        log = self.logs / f"{log_name}.log"
        with log.open("ab") as out:
            # The program and its first three arguments (`python -m cart_service migrate`): never
            # the values after them, such as the admin password.
            title = " ".join([Path(command[0]).name, *command[1:4]])
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {title}\n".encode())
            proc = subprocess.Popen(
                command,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if self.verbose else out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        child = Child(name, proc, log, time.monotonic())
        self.children.append(child)
        if self.verbose:
            threading.Thread(target=_pump, args=(child, proc.stdout), daemon=True).start()
        return child

    def run_step(
        self, name: str, command: list[str], env: dict[str, str], cwd: Path, log_name: str
    ) -> Child:
        """Run a command to its end (a migration, a seed); Interrupted if a stop is asked."""
        return self.finish([self.spawn(name, command, env, cwd, log_name)])[0]

    def finish(self, children: list[Child]) -> list[Child]:
        """Wait for commands started with spawn to end; Interrupted if a stop is asked."""
        while any(child.alive for child in children):
            self.sleep(0.1)
        for child in children:
            self.children.remove(child)
        return children

    def wait_until(
        self,
        pending: dict[str, Callable[[], bool]],
        timeout: float,
        on_ready: Callable[[str], None],
    ) -> list[str]:
        """Poll each readiness check until all pass; the names still pending at the timeout.
        Raises ChildExited when a child dies first."""
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            self.raise_if_exited()
            for name, ready in list(pending.items()):
                if ready():
                    del pending[name]
                    on_ready(name)
            if pending:
                self.sleep(0.2)
        return list(pending)

    def raise_if_exited(self) -> None:
        for child in self.children:
            if not child.alive:
                raise ChildExited(child)

    def stop(self) -> list[str]:
        """Stop every child within 10 s; the names of those that needed SIGKILL."""
        for child in reversed(self.children):
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while any(c.alive for c in self.children) and time.monotonic() < deadline:
            time.sleep(0.05)
        killed = [c.name for c in self.children if c.alive]
        for child in self.children:
            _signal_group(child, signal.SIGKILL)  # also what a child left in its group
        for child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(2)
        self.children.clear()
        return killed


class ChildExited(Exception):
    def __init__(self, child: Child) -> None:
        super().__init__(f"{child.name} exited with code {child.proc.returncode}")
        self.child = child


def _signal_group(child: Child, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.proc.pid, signum)


def _pump(child: Child, stream: IO[bytes] | None) -> None:
    """VERBOSE=1: the child's lines on the screen, prefixed with its name, and in its log."""
    if stream is None:
        return
    label = f"{child.name:>14} |"
    prefix = (f"\033[36m{label}\033[0m " if sys.stdout.isatty() else f"{label} ").encode()
    with child.log.open("ab") as log:
        for line in stream:
            log.write(line)
            log.flush()
            sys.stdout.buffer.write(prefix + line)
            sys.stdout.buffer.flush()

"""The supervisor of `make run` (tools/supervisor.py) on small stand-in children."""

import os
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from supervisor import STOP_GRACE, Interrupted, Supervisor

IGNORES_SIGTERM = "trap '' TERM; echo started; while true; do sleep 0.1; done"


def test_a_child_that_ignores_sigterm_is_killed_within_ten_seconds(tmp_path: Path):
    supervisor = Supervisor(tmp_path)
    child = supervisor.spawn(
        "stubborn", ["sh", "-c", IGNORES_SIGTERM], dict(os.environ), tmp_path, "stubborn"
    )
    deadline = time.monotonic() + 10
    while "started" not in child.log.read_text().splitlines() and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    assert supervisor.stop() == ["stubborn"]
    took = time.monotonic() - began
    assert STOP_GRACE <= took < 10
    assert not child.alive
    # Its grandchildren (the shell's `sleep`) went with its process group.
    assert living_in_group(child.proc.pid) == []


def living_in_group(pgid: int) -> list[int]:
    """Processes of the group that are not zombies (a zombie holds no port)."""
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            living.append(int(stat.parent.name))
    return living


def test_verbose_shows_each_line_prefixed_and_keeps_it_in_the_log(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
):
    supervisor = Supervisor(tmp_path, verbose=True)
    step = supervisor.run_step(
        "echo", ["sh", "-c", 'echo \'{"level": "info"}\''], dict(os.environ), tmp_path, "echo"
    )
    time.sleep(0.2)  # the pump thread writes the last line
    assert step.proc.returncode == 0
    assert '{"level": "info"}' in step.log.read_text()
    assert '          echo | {"level": "info"}' in capfd.readouterr().out


def test_a_signal_while_starting_interrupts_the_step_and_a_second_one_changes_nothing(
    tmp_path: Path,
):
    supervisor = Supervisor(tmp_path)
    supervisor._on_signal(signal.SIGTERM, None)
    supervisor._on_signal(signal.SIGTERM, None)  # the same signal again, through make
    with pytest.raises(Interrupted):
        supervisor.run_step("step", ["sleep", "30"], dict(os.environ), tmp_path, "step")
    began = time.monotonic()
    supervisor.stop()
    assert time.monotonic() - began < 2

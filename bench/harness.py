"""What the benchmarks share: child processes with their CPU time, wrk runs, the machine."""

import os
import platform
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _proc_stats() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, CPU ticks user + system, command name) of every process."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            comm = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), comm)
    return stats


def tree_cpu_seconds(pid: int, stats: dict[int, tuple[int, int, str]] | None = None) -> float:
    """CPU time of a process and all its descendants."""
    stats = stats if stats is not None else _proc_stats()
    pids = {pid}
    changed = True
    while changed:
        children = {p for p, (ppid, _, _) in stats.items() if ppid in pids}
        changed = not children <= pids
        pids |= children
    return sum(stats[p][1] for p in pids if p in stats) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(processes: dict[str, int], commands: tuple[str, ...]) -> dict[str, float]:
    """CPU seconds so far: per named process tree, and per command name summed over every
    process of that name (`postgres`, `beam.smp`)."""
    stats = _proc_stats()
    snapshot = {name: tree_cpu_seconds(pid, stats) for name, pid in processes.items()}
    ticks = os.sysconf("SC_CLK_TCK")
    for command in commands:
        snapshot[command] = sum(t for _, t, c in stats.values() if c == command) / ticks
    return snapshot


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        self.proc = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    def wait_ready(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} is not ready:\n{self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the process and its children (uvicorn or nginx workers)."""
        return tree_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def serve(module: str, port: int, workers: int, env: dict[str, str], tmp: Path) -> Process:
    args = [sys.executable, "-m", module, "serve", "--workers", str(workers)]
    return Process(module, args, {**env, "PORT": str(port)}, tmp / f"{module}.log")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, token: str | None, connections: int, seconds: int) -> dict[str, Any]:
    """One wrk run (one thread; 10 s timeout so slow answers count in the latency)."""
    auth = ["-H", f"Authorization: Bearer {token}"] if token else []
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            *auth,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if "50" not in latency or "99" not in latency:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(g) for g in sockets.groups()) if sockets else 0),
    }


def _version(tool: str) -> str:
    """The first line a tool prints for `-v` ("" if it is not installed)."""
    try:
        done = subprocess.run([tool, "-v"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return ""
    return (done.stdout or done.stderr).strip().split("\n")[0]


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1) if found else ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "nginx": _version("nginx"),
        "wrk": _version("wrk"),
    }

"""Which process listens on a local TCP port (Linux /proc; `lsof` elsewhere), so `make run` can
say who holds a port it needs instead of a bare "address already in use"."""

import os
import shutil
import socket
import subprocess
from pathlib import Path


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Nothing accepts connections on the port (a listener on any address counts)."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return False
    except OSError:
        return True


def holder(port: int) -> str:
    """'pid 1234 (python -m auth_service serve)', or a hint when the holder cannot be seen."""
    pid = _pid_from_proc(port) or _pid_from_lsof(port)
    if pid is None:
        return f"a process this user cannot see (try: sudo ss -ltnp 'sport = :{port}')"
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        command = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    except OSError:
        command = "?"
    return f"pid {pid} ({_short(command)})"


def _short(command: str, width: int = 80) -> str:
    return command if len(command) <= width else command[: width - 1] + "…"


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def _pid_from_proc(port: int) -> int | None:
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            for fd in os.scandir(f"/proc/{entry.name}/fd"):
                if os.readlink(fd.path) in wanted:
                    return int(entry.name)
        except OSError:
            continue
    return None


def _pid_from_lsof(port: int) -> int | None:
    if shutil.which("lsof") is None:
        return None
    result = subprocess.run(
        ["lsof", "-t", f"-iTCP:{port}", "-sTCP:LISTEN"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    first = result.stdout.split()
    return int(first[0]) if first else None

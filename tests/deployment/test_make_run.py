"""`make run` as a newcomer runs it: from a fresh copy of the checkout, with uv absent from PATH,
on the default ports; then from a second clone against the same databases; a stop in the middle
of starting; and a machine whose development secrets were replaced (the one-sentence advice and
`make reset`).

The copies get databases of their own (SHOP_DB_SUFFIX), the test run's RabbitMQ virtual host and
Redis database, their own user folder for pip (PYTHONUSERBASE: uv is installed there afresh) and
their own development secrets (XDG_CONFIG_HOME); uv's download cache is the machine's. Every
test fails at once, naming the holder, when a default port is taken, and everything started is
stopped and dropped at the end.
"""

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from platform_services import ROOT, present
from ports import holder, is_free

pytestmark = pytest.mark.timeout(900)

SERVICES = present()
PORTS = [s.port for s in SERVICES] + ([3000] if (ROOT / "frontend/package.json").exists() else [])
SUFFIX = "_makerun" + os.environ.get("SHOP_TEST_DB_SUFFIX", "")
ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
STOP_LIMIT = 10.0


def copy_checkout(target: Path) -> Path:
    """The files a clone of this checkout has (tracked, and new files not ignored): no .venv,
    no .env, no logs."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def has_uv(python: Path, env: dict[str, str] | None = None) -> bool:
    check = [python, "-c", "import uv"]
    return subprocess.run(check, capture_output=True, env=env).returncode == 0


# A Python 3.11 as a fresh machine has it: the system's, without uv, when there is one.
PYTHON = next(
    (p for p in (Path("/usr/bin/python3.11"),) if p.exists() and not has_uv(p)),
    Path(sys.executable).resolve(),
)


def path_without_uv(bin_dir: Path) -> str:
    """PATH with PYTHON as `python3` first and no folder that holds a uv."""
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "python3").symlink_to(PYTHON)
    folders = [f for f in os.environ["PATH"].split(os.pathsep) if f and not Path(f, "uv").exists()]
    return os.pathsep.join([str(bin_dir), *folders])


class Machine:
    """The environment every `make run` of these tests shares: one user, fresh to the platform."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            **{
                k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "ENV", "PYTHONPATH")
            },
            "PATH": path_without_uv(home / "bin"),
            "PYTHONUSERBASE": str(home / "userbase"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "SHOP_DB_SUFFIX": SUFFIX,
            # Every test client signs in from 127.0.0.1, and the failed attempts of other suites
            # (and of an earlier run on this machine) stay counted in the shared Redis for the
            # window: only the admin's sign-in is under test here, not the per-address limit.
            "LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
        }
        self.env.setdefault("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv"))

    @property
    def secrets(self) -> Path:
        return self.home / "config" / "shop" / "dev.env"

    def make(self, clone: Path, target: str, **extra: str) -> "subprocess.Popen[bytes]":
        return subprocess.Popen(
            ["make", "-s", target],
            cwd=clone,
            env={**self.env, **extra},
            stdout=(clone / f"{target}.out").open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, as a terminal's job would be
        )


def output(clone: Path, target: str = "run") -> str:
    return (clone / f"{target}.out").read_text(errors="replace")


def require_free_ports() -> None:
    taken = [f"{port} (held by {holder(port)})" for port in PORTS if not is_free(port)]
    if taken:
        pytest.fail("`make run` needs the default ports; taken: " + ", ".join(taken))


def processes_under(folder: Path) -> list[str]:
    """Live processes started from the copy (their command line names a file in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in command:
            found.append(f"{entry.name}: {command}")
    return found


def wait_for(predicate, timeout: float, proc: "subprocess.Popen[bytes]", clone: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail(f"make run exited ({proc.returncode}):\n{output(clone)[-4000:]}")
        time.sleep(0.5)
    pytest.fail(f"not within {timeout:.0f} s:\n{output(clone)[-4000:]}")


def gateway_health() -> dict[str, str] | None:
    try:
        return httpx.get("http://127.0.0.1:8000/api/health", timeout=3).json()["services"]
    except (httpx.HTTPError, ValueError, KeyError):
        return None


def all_up() -> bool:
    health = gateway_health()
    return health is not None and all(
        health.get(s.short) == "up" for s in SERVICES if s.has_database
    )


def stop_twice(proc: "subprocess.Popen[bytes]") -> float:
    """SIGTERM to make's process group (make and the supervisor both get it, and make passes
    it on once more), and again a moment later; the seconds until make exits."""
    began = time.monotonic()
    os.killpg(proc.pid, signal.SIGTERM)
    time.sleep(0.3)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(STOP_LIMIT + 5)
    return time.monotonic() - began


def assert_all_gone(clone: Path, proc: "subprocess.Popen[bytes]", took: float) -> None:
    assert proc.poll() is not None, "make run still runs after two SIGTERMs"
    assert took < STOP_LIMIT, f"stopping took {took:.1f} s"
    left = processes_under(clone)
    assert left == [], left
    held = [port for port in PORTS if not is_free(port)]
    assert held == [], f"ports still held: {[(p, holder(p)) for p in held]}"


async def drop_databases() -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        for service in SERVICES:
            if service.has_database:
                name = f"shop_{service.short}{SUFFIX}"
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machine]:
    if shutil.which("make") is None:
        pytest.fail("these tests run `make`; install it with: sudo apt-get install make")
    asyncio.run(drop_databases())
    yield Machine(tmp_path_factory.mktemp("machine"))
    asyncio.run(drop_databases())


def run_until_up(machine: Machine, clone: Path) -> "subprocess.Popen[bytes]":
    require_free_ports()
    proc = machine.make(clone, "run")
    try:
        # The gateway answers "all up" while the storefront may still be building: up means
        # make run said so too.
        wait_for(lambda: all_up() and "The platform is up." in output(clone), 600, proc, clone)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
        raise
    return proc


@pytest.fixture(scope="module")
def first_clone(machine: Machine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    clone = copy_checkout(tmp_path_factory.mktemp("first"))
    yield clone
    for line in processes_under(clone):
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def test_make_run_from_a_fresh_clone_without_uv_on_path(machine: Machine, first_clone: Path):
    assert shutil.which("uv", path=machine.env["PATH"]) is None
    had_uv = has_uv(PYTHON, machine.env)
    proc = run_until_up(machine, first_clone)
    took = stop_twice(proc)
    assert_all_gone(first_clone, proc, took)

    text = output(first_clone)
    assert ("installing uv" in text) == (not had_uv)
    assert has_uv(PYTHON, machine.env)
    # One line per service as it comes up, then the summary; the JSON logs are in logs/.
    for service in SERVICES:
        assert f"✓ {service.name} " in text
        assert (first_clone / "logs" / f"{service.short}.log").stat().st_size > 0
    assert "The platform is up." in text
    assert '{"ts":' not in text
    assert "Traceback" not in text
    assert machine.secrets.exists()
    assert not (first_clone / ".env").exists()
    # The admin password is shown once on the screen, never written to a log.
    password = next(
        line.split("=", 1)[1]
        for line in machine.secrets.read_text().splitlines()
        if line.startswith("ADMIN_PASSWORD=")
    )
    assert password in text
    for log in (first_clone / "logs").iterdir():
        assert password not in log.read_text(errors="replace"), log
    assert text.rstrip().endswith("stopped."), text[-3000:]


def test_make_run_from_a_second_clone_uses_the_same_databases(
    machine: Machine, first_clone: Path, tmp_path_factory: pytest.TempPathFactory
):
    if not machine.secrets.exists():
        pytest.skip("needs the first clone's run")
    second = copy_checkout(tmp_path_factory.mktemp("second"))
    proc = run_until_up(machine, second)
    try:
        admin = dict(
            line.split("=", 1) for line in machine.secrets.read_text().splitlines() if "=" in line
        )
        # The signing keys the first clone's run made still sign: a login works.
        login = httpx.post(
            "http://127.0.0.1:8000/api/auth/login",
            json={"email": admin["ADMIN_EMAIL"], "password": admin["ADMIN_PASSWORD"]},
            timeout=10,
        )
        assert login.status_code == 200, login.text
    finally:
        took = stop_twice(proc)
    assert_all_gone(second, proc, took)
    assert "development secrets written" not in output(second)


def test_a_stop_in_the_middle_of_starting_ends_within_ten_seconds(
    machine: Machine, first_clone: Path
):
    require_free_ports()
    proc = machine.make(first_clone, "run")
    # The auth service's log gets its first line when its migration starts.
    log = first_clone / "logs" / "auth.log"
    size = log.stat().st_size if log.exists() else 0
    wait_for(lambda: log.exists() and log.stat().st_size > size, 120, proc, first_clone)
    took = stop_twice(proc)
    assert_all_gone(first_clone, proc, took)


def test_replaced_development_secrets_say_so_and_make_reset_recovers(
    machine: Machine, first_clone: Path
):
    if not machine.secrets.exists():
        pytest.skip("needs the first clone's run")
    machine.secrets.unlink()  # as if deleted: the next run makes a new KEY_ENCRYPTION_KEY
    require_free_ports()
    proc = machine.make(first_clone, "run")
    try:
        proc.wait(300)
    except subprocess.TimeoutExpired:
        stop_twice(proc)
        pytest.fail(f"make run kept running:\n{output(first_clone)[-3000:]}")
    text = output(first_clone).rsplit("development secrets written", 1)[1]
    assert proc.returncode != 0
    assert "holds signing keys encrypted with another KEY_ENCRYPTION_KEY" in text
    assert "run `make reset`" in text
    assert "Traceback" not in text
    assert processes_under(first_clone) == []

    # Without a terminal and without YES=1 it changes nothing.
    refused = machine.make(first_clone, "reset")
    assert refused.wait(300) != 0
    assert "Nothing was changed." in output(first_clone, "reset")

    reset = machine.make(first_clone, "reset", YES="1")
    assert reset.wait(300) == 0, output(first_clone, "reset")
    proc = run_until_up(machine, first_clone)
    took = stop_twice(proc)
    assert_all_gone(first_clone, proc, took)


def test_a_taken_port_is_named_with_the_process_holding_it():
    require_free_ports()
    port = next(s.port for s in SERVICES if s.name == "auth-service")
    with socket.socket() as holder_socket:
        # Connections of an earlier run may linger in TIME_WAIT on the port.
        holder_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder_socket.bind(("127.0.0.1", port))
        holder_socket.listen()
        result = subprocess.run(
            [sys.executable, "tools/run.py"],
            cwd=ROOT,
            env={**os.environ, "ENV": "dev"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"Port {port} (auth-service) is taken by pid {os.getpid()} (" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

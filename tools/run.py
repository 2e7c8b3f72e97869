"""`make run`: the whole platform in the foreground.

Checks PostgreSQL, RabbitMQ and Redis and the ports; reads the development secrets every clone
shares (devsecrets.py); creates each service's database and role and migrates it; creates the
admin account; seeds the catalog; starts every service (and the storefront once `frontend/`
exists) under one supervisor, one line each as it comes up, then a summary. The services' JSON
logs go to `logs/<service>.log` (on the screen too with `make run VERBOSE=1`). Ctrl-C or SIGTERM
stops everything within 10 s, also half-way through starting.
"""

import os
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import devsecrets
import frontend
from platform_services import ROOT, Service, present
from ports import holder, is_free
from supervisor import Child, ChildExited, Interrupted, Supervisor

LOGS = ROOT / "logs"
FRONTEND = frontend.FRONTEND
FRONTEND_PORT = 3000
PG_START = (
    "sudo pg_ctlcluster $(ls /etc/postgresql) main start  (or: sudo systemctl start postgresql)"
)
# name: (port, its client program, how to start it, how to install it)
INFRA = {
    "PostgreSQL": (5432, "psql", PG_START, "sudo apt-get install postgresql"),
    "RabbitMQ": (
        5672,
        "rabbitmqctl",
        "sudo rabbitmq-server -detached",
        "sudo apt-get install rabbitmq-server",
    ),
    "Redis": (
        6379,
        "redis-cli",
        "redis-server --daemonize yes",
        "sudo apt-get install redis-server",
    ),
}
UNDECRYPTABLE = "does not decrypt with the configured KEY_ENCRYPTION_KEY"
# PostgreSQL's words when it has no connection left for another client.
OUT_OF_CONNECTIONS = ("connection slots are reserved", "too many clients already")


COLOR = sys.stdout.isatty()


def paint(code: str, text: str) -> str:
    return f"\033[{code}m{text}\033[0m" if COLOR else text


def say(message: str) -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"{paint('31', '✗')} {message}", flush=True)


def check_infrastructure() -> bool:
    ok = True
    for name, (port, client, start, install) in INFRA.items():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                continue
        except OSError:
            ok = False
        if shutil.which(client):
            fail(f"{name} is not running on 127.0.0.1:{port}; start it with: {start}")
        else:
            fail(f"{name} is not installed; install it with: {install}")
    if (FRONTEND / "package.json").exists() and shutil.which("node") is None:
        ok = False
        fail(
            "The storefront needs Node.js 20 or later; install it with: "
            "sudo apt-get install nodejs npm"
        )
    return ok


def check_ports(services: list[Service]) -> bool:
    wanted = [(s.name, s.port) for s in services]
    if (FRONTEND / "package.json").exists():
        wanted.append(("frontend", FRONTEND_PORT))
    taken = [(name, port) for name, port in wanted if not is_free(port)]
    for name, port in taken:
        fail(f"Port {port} ({name}) is taken by {holder(port)}; stop that process first.")
    return not taken


def service_env(service: Service, values: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, "ENV": "dev", "PORT": str(service.port), "HOST": "127.0.0.1"}
    # The gateway runs on this machine: the services believe its client address headers.
    if service.has_database:
        env.setdefault("FORWARDED_ALLOW_IPS", "127.0.0.1")
    # The storefront on this machine calls the gateway for browsers and says who they are.
    if service.name == "api-gateway":
        env.setdefault("TRUSTED_PROXIES", "127.0.0.1")
    env.pop("VIRTUAL_ENV", None)
    # One replica each on a laptop: small pools keep the fleet well inside PostgreSQL's default
    # 100 connections.
    env.setdefault("DB_POOL_SIZE", "4")
    for key, value in values.items():
        if key.endswith("_DATABASE_PASSWORD") or key.startswith("ADMIN_") or key == "ENV":
            continue
        env.setdefault(key, value)
    if service.has_database:
        env["DATABASE_PASSWORD"] = values[f"{service.short.upper()}_DATABASE_PASSWORD"]
        # SHOP_DB_SUFFIX gives a run databases of its own (the system tests of `make run`).
        suffix = os.environ.get("SHOP_DB_SUFFIX", "")
        if suffix:
            env["DATABASE_NAME"] = env["DATABASE_USER"] = f"shop_{service.short}{suffix}"
    return env


def manage(sup: Supervisor, service: Service, values: dict[str, str], *args: str) -> Child:
    command = [sys.executable, "-m", service.package, *args]
    child = sup.run_step(service.short, command, service_env(service, values), ROOT, service.short)
    if child.proc.returncode != 0:
        explain(child)
        raise SystemExit(1)
    return child


def explain(child: Child) -> None:
    """One sentence on why a child stopped, and how to recover, then its last log lines."""
    tail = child.tail()
    if UNDECRYPTABLE in tail:
        fail(
            "The auth database holds signing keys encrypted with another KEY_ENCRYPTION_KEY "
            f"than this machine's development secrets ({devsecrets.secrets_file()} was replaced "
            "or removed); run `make reset` to recreate the development databases and queues, "
            "or put the old key back in that file."
        )
        return
    if any(words in tail for words in OUT_OF_CONNECTIONS):
        fail(
            f"{child.name} found no free PostgreSQL connection (other programs hold them); close "
            "them, or raise the limit: psql -U postgres -c 'ALTER SYSTEM SET max_connections = "
            "300' and restart PostgreSQL."
        )
        return
    fail(f"{child.name} stopped with exit code {child.proc.returncode}; from {child.log}:")
    print("    " + tail.replace("\n", "\n    "), flush=True)


def ready_check(service: Service) -> "Check":
    return Check(
        f"http://127.0.0.1:{service.port}{'/ready' if service.has_database else '/health'}"
    )


class Check:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=1) as response:  # noqa: S310
                return bool(response.status < 500)
        except (OSError, urllib.error.URLError):
            return False


# --- the storefront (tools/frontend.py builds and starts it for its tests) -------------------


def start_frontend(sup: Supervisor, values: dict[str, str]) -> Child | None:
    """Install, build if stale and start the storefront on :3000; None without `frontend/`."""
    if not (FRONTEND / "package.json").exists():
        return None
    env = {**os.environ, "NODE_ENV": "production", "NEXT_TELEMETRY_DISABLED": "1"}
    for step, command in (("installing", ["npm", "ci"]), ("building", ["npm", "run", "build"])):
        if step == "installing" and not frontend.packages_stale(FRONTEND):
            continue
        if step == "building" and not frontend.build_stale(FRONTEND):
            continue
        say(f"  {step} the storefront…")
        child = sup.run_step("frontend", command, env, FRONTEND, f"frontend-{step[:-3]}")
        if child.proc.returncode != 0:
            explain(child)
            raise SystemExit(1)
    env.update(
        PORT=str(FRONTEND_PORT),
        HOSTNAME="127.0.0.1",
        API_GATEWAY_URL="http://127.0.0.1:8000",
        SESSION_SECRET=os.environ.get("SESSION_SECRET", values["SESSION_SECRET"]),
    )
    command = ["node", ".next/standalone/server.js"]
    return sup.spawn("frontend", command, env, FRONTEND, "frontend")


# --- the run ---------------------------------------------------------------------------------


def prepare(sup: Supervisor, services: list[Service], values: dict[str, str]) -> tuple[str, str]:
    started = time.monotonic()
    migrations = [
        sup.spawn(
            service.short,
            [sys.executable, "-m", service.package, "migrate"],
            service_env(service, values),
            ROOT,
            service.short,
        )
        for service in services
        if service.has_database
    ]
    for child in sup.finish(migrations):
        if child.proc.returncode != 0:
            explain(child)
            raise SystemExit(1)
    say(f"  {len(migrations)} databases migrated ({time.monotonic() - started:.1f} s)")
    email = os.environ.get("ADMIN_EMAIL") or values["ADMIN_EMAIL"]
    password = os.environ.get("ADMIN_PASSWORD") or values["ADMIN_PASSWORD"]
    auth = next(s for s in services if s.name == "auth-service")
    # `--password=…`: a generated password may begin with "-".
    manage(sup, auth, values, "create-admin", f"--email={email}", f"--password={password}")
    for service in services:
        if (service.directory / "src" / service.package / "seed.py").exists():
            manage(sup, service, values, "seed")
            say(f"  {service.name} seeded")
    return email, password


def start(sup: Supervisor, services: list[Service], values: dict[str, str]) -> None:
    checks: dict[str, Callable[[], bool]] = {}
    for service in services:
        sup.spawn(
            service.short,
            [sys.executable, "-m", service.package, "serve"],
            service_env(service, values),
            ROOT,
            service.short,
        )
        checks[service.name] = ready_check(service)
    if start_frontend(sup, values) is not None:
        checks["frontend"] = Check(f"http://127.0.0.1:{FRONTEND_PORT}/")
    began = time.monotonic()

    def on_ready(name: str) -> None:
        port = (
            FRONTEND_PORT
            if name == "frontend"
            else next(s.port for s in services if s.name == name)
        )
        say(f"  {paint('32', '✓')} {name:<22} :{port}  ready in {time.monotonic() - began:.1f} s")

    late = sup.wait_until(checks, timeout=120, on_ready=on_ready)
    if late:
        fail(f"not ready after 120 s: {', '.join(late)} (see logs/<name>.log)")
        raise SystemExit(1)


def summary(services: list[Service], email: str, password: str) -> None:
    rows = (
        [("storefront", f"http://localhost:{FRONTEND_PORT}")]
        if (FRONTEND / "package.json").exists()
        else []
    )
    rows.append(("API gateway", "http://localhost:8000/docs"))
    rows += [(s.name, f"http://localhost:{s.port}/docs") for s in services if s.has_database]
    say("\n" + paint("1", "The platform is up."))
    for name, url in rows:
        say(f"  {name:<24} {url}")
    say(f"\n  admin login              {email} / {password}")
    say(
        f"  logs                     {LOGS.relative_to(ROOT)}/<service>.log"
        "  (make run VERBOSE=1 shows them here)"
    )
    say("  Ctrl-C stops everything.\n")


def main() -> int:
    if sys.argv[1:] == ["--check"]:  # `make test`: what the tests need that make cannot install
        return 0 if check_infrastructure() else 1
    sup = Supervisor(LOGS, verbose=os.environ.get("VERBOSE", "") not in ("", "0"))
    sup.install_signal_handlers()
    services = present()
    if not check_infrastructure() or not check_ports(services):
        return 1
    values, generated = devsecrets.load()
    if generated:
        say(f"  development secrets written to {devsecrets.secrets_file()} (shared by every clone)")
    code = 0
    try:
        email, password = prepare(sup, services, values)
        start(sup, services, values)
        summary(services, email, password)
        while True:
            sup.raise_if_exited()
            sup.sleep(0.5)
    except Interrupted:
        pass
    except ChildExited as exited:
        explain(exited.child)
        code = 1
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        if sup.children:
            say("stopping…")
        began = time.monotonic()
        killed = sup.stop()
        if killed:
            say(f"  killed after {time.monotonic() - began:.1f} s: {', '.join(killed)}")
    if code == 0:
        say("stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main())

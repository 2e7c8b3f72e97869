"""The storefront's production build as a process: packages installed, built when stale, served.

    uv run python tools/frontend.py build                 # npm ci if needed, next build if stale
    uv run python tools/frontend.py serve --port 3000 --gateway http://127.0.0.1:8000

The browser tests and `make run` use `ensure_built()` and `Frontend.start()`.
"""

import argparse
import fcntl
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from platform_services import ROOT

FRONTEND = ROOT / "frontend"
SERVER = FRONTEND / ".next" / "standalone" / "server.js"
# What the build is made from: a change to any of these makes the build stale.
BUILD_INPUTS = (
    "src",
    "public",
    "package.json",
    "package-lock.json",
    "next.config.ts",
    "postcss.config.mjs",
    "tsconfig.json",
    "scripts/postbuild.mjs",
    "scripts/server.cjs",
)
NPM_ENV = {"NEXT_TELEMETRY_DISABLED": "1", "NPM_CONFIG_FUND": "false", "NPM_CONFIG_AUDIT": "false"}


def _newest_mtime(paths: Iterator[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    newest = max(newest, child.stat().st_mtime)
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


@contextmanager
def _build_lock() -> Iterator[None]:
    """One install or build at a time on this machine for this checkout."""
    tag = hashlib.sha256(str(FRONTEND).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"shop-frontend-{tag}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(args: list[str], what: str) -> None:
    npm = shutil.which(args[0])
    if npm is None:
        raise RuntimeError(f"{args[0]} is not installed: install Node.js 20 or newer")
    print(f"frontend: {what}…", file=sys.stderr, flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [npm, *args[1:]],
        cwd=FRONTEND,
        env={**os.environ, **NPM_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = result.stdout[-4000:] + result.stderr[-4000:]
        raise RuntimeError(f"frontend: {what} failed:\n{output}")
    print(f"frontend: {what} done in {time.monotonic() - started:.0f} s", file=sys.stderr)


def packages_stale(folder: Path = FRONTEND) -> bool:
    marker = folder / "node_modules" / ".package-lock.json"
    lock = folder / "package-lock.json"
    return not marker.exists() or marker.stat().st_mtime < lock.stat().st_mtime


def build_stale(folder: Path = FRONTEND) -> bool:
    server = folder / SERVER.relative_to(FRONTEND)
    if not server.exists():
        return True
    inputs = _newest_mtime(folder / name for name in BUILD_INPUTS)
    return inputs > server.stat().st_mtime


def ensure_built(force: bool = False) -> None:
    """`npm ci` when the packages are missing or older than the lock file; `npm run build`
    (next build + the standalone copy step) when any build input is newer than the build."""
    with _build_lock():
        if packages_stale():
            _run(["npm", "ci"], "installing packages (npm ci)")
        if force or build_stale():
            _run(["npm", "run", "build"], "building the production bundle (next build)")
            SERVER.touch()


@dataclass
class Frontend:
    """The standalone server on a port, talking to a gateway."""

    gateway: str
    port: int
    host: str = "127.0.0.1"
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    workers: int | None = None  # STOREFRONT_WORKERS; None: one per core
    log_path: Path = field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "shop-frontend.log"
    )
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **NPM_ENV,
            "NODE_ENV": "production",
            "PORT": str(self.port),
            "HOSTNAME": self.host,
            "API_GATEWAY_URL": self.gateway,
            "SESSION_SECRET": self.session_secret,
            **({"STOREFRONT_WORKERS": str(self.workers)} if self.workers is not None else {}),
        }

    def start(self, timeout: float = 60.0) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed: install Node.js 20 or newer")
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child owns it)
        self.proc = subprocess.Popen(
            [node, str(SERVER)], cwd=SERVER.parent, env=self.env(), stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the frontend exited: {self.tail()}")
            try:
                if httpx.get(f"{self.url}/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the frontend did not answer in {timeout:.0f} s: {self.tail()}")

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def main() -> int:
    parser = argparse.ArgumentParser(description="The storefront's production build")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="install packages and build when stale")
    build.add_argument("--force", action="store_true", help="build even when up to date")
    serve = sub.add_parser("serve", help="build when stale, then serve")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument("--host", default=os.environ.get("HOSTNAME", "127.0.0.1"))
    serve.add_argument(
        "--gateway", default=os.environ.get("API_GATEWAY_URL", "http://127.0.0.1:8000")
    )
    args = parser.parse_args()
    if args.command == "build":
        ensure_built(force=args.force)
        return 0
    ensure_built()
    secret = os.environ.get("SESSION_SECRET")
    if not secret:
        print("SESSION_SECRET is required (at least 32 characters)", file=sys.stderr)
        return 2
    frontend = Frontend(args.gateway, args.port, args.host, session_secret=secret)
    frontend.start()
    print(f"storefront: {frontend.url}", file=sys.stderr)
    try:
        assert frontend.proc is not None
        return frontend.proc.wait()
    except KeyboardInterrupt:
        frontend.stop()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

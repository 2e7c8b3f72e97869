"""`make run`'s side of the storefront (tools/run.py `start_frontend`), on a stand-in for
`frontend/` that keeps its running contract: `npm ci`, `npm run build` making
`.next/standalone/server.js`, which serves on PORT and HOSTNAME and reads API_GATEWAY_URL and
SESSION_SECRET. Installed once, built only when a source is newer than the build, started and
stopped under the supervisor.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from service_kit.testing import free_port

import run
from supervisor import Supervisor

BUILD = """
const fs = require("fs");
fs.mkdirSync(".next/standalone", { recursive: true });
fs.writeFileSync(".next/standalone/server.js", `
  require("http").createServer((req, res) => res.end(JSON.stringify({
    gateway: process.env.API_GATEWAY_URL, secret: Boolean(process.env.SESSION_SECRET),
  }))).listen(Number(process.env.PORT), process.env.HOSTNAME);
`);
"""


@pytest.fixture
def frontend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    folder = tmp_path / "frontend"
    folder.mkdir()
    # One dependency, a local folder, so `npm ci` has something to install without a registry.
    (folder / "lib").mkdir()
    (folder / "lib" / "package.json").write_text('{"name": "stand-in-lib", "version": "1.0.0"}')
    package = {
        "name": "stand-in",
        "version": "1.0.0",
        "private": True,
        "scripts": {"build": "node build.js"},
        "dependencies": {"stand-in-lib": "file:lib"},
    }
    (folder / "package.json").write_text(json.dumps(package))
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--offline", "--no-audit", "--no-fund"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (folder / "build.js").write_text(BUILD)
    monkeypatch.setattr(run, "FRONTEND", folder)
    monkeypatch.setattr(run, "FRONTEND_PORT", free_port())
    return folder


def serve(folder: Path) -> dict[str, object]:
    supervisor = Supervisor(folder.parent / "logs")
    child = run.start_frontend(supervisor, {"SESSION_SECRET": "stand-in-secret"})
    assert child is not None
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{run.FRONTEND_PORT}/"
                with urllib.request.urlopen(url, timeout=1) as response:
                    return json.loads(response.read())
            except OSError:
                time.sleep(0.2)
        pytest.fail(child.tail())
    finally:
        assert supervisor.stop() == []
        assert not child.alive


def runs(folder: Path, step: str) -> int:
    """How often the step ran: each run starts its log with a `--- <time> <command>` line."""
    log = folder.parent / "logs" / f"frontend-{step}.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return sum(line.startswith("--- ") for line in lines)


def test_the_storefront_is_installed_built_and_started_with_the_gateways_address(frontend: Path):
    assert serve(frontend) == {"gateway": "http://127.0.0.1:8000", "secret": True}
    assert (frontend / "node_modules").is_dir()
    assert (runs(frontend, "install"), runs(frontend, "build")) == (1, 1)


def test_it_is_built_again_only_when_a_source_changed(frontend: Path):
    serve(frontend)
    serve(frontend)
    assert runs(frontend, "build") == 1
    source = frontend / "package.json"
    later = time.time() + 5
    os.utime(source, (later, later))
    serve(frontend)
    assert (runs(frontend, "install"), runs(frontend, "build")) == (1, 2)

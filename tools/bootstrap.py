"""What `make run` and `make test` install before anything else (standard library only: it runs
before uv exists).

uv goes into the user's Python (`pip install --user uv`) when it is neither on PATH nor a
module of that Python; the Makefile then runs it as `python3 -m uv`. The storefront's npm
packages are installed once `frontend/` exists and its node_modules does not. What cannot
be installed this way (Python 3.11 itself, pip, Node.js) is named in one sentence, with the
command that gets it.
"""

import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
UV_INSTALLER = "curl -LsSf https://astral.sh/uv/install.sh | sh"
NODE = "The storefront needs Node.js 20 or later with npm; install it with: "
NODE_INSTALL = "sudo apt-get install nodejs npm"


def fail(message: str) -> int:
    print(f"\033[31m✗\033[0m {message}", file=sys.stderr, flush=True)
    return 1


def has_uv_module() -> bool:
    check = [sys.executable, "-c", "import uv; uv.find_uv_bin()"]
    return subprocess.run(check, capture_output=True).returncode == 0


def ensure_uv() -> int:
    if shutil.which("uv") or has_uv_module():
        return 0
    print("==> installing uv into your Python's user folder (pip install --user uv)", flush=True)
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode:
        return fail(f"uv is missing and this Python has no pip; install uv with: {UV_INSTALLER}")
    install = [sys.executable, "-m", "pip", "install", "--user", "--quiet", "uv"]
    result = subprocess.run(install, capture_output=True, text=True)
    if result.returncode and "externally-managed-environment" in result.stderr:
        # Debian's Python guards its own packages; uv is one binary with no dependencies, put
        # into the user's folder, which the guard exists to keep apart from the system's.
        result = subprocess.run(
            [*install, "--break-system-packages"], capture_output=True, text=True
        )
    if result.returncode:
        print(result.stderr.strip()[-2000:], file=sys.stderr)
        return fail(f"pip could not install uv; install it with: {UV_INSTALLER}")
    if not has_uv_module():
        return fail(f"uv was installed but `{sys.executable} -m uv` does not run; {UV_INSTALLER}")
    print(f"    installed in {site.getusersitepackages()}", flush=True)
    return 0


def ensure_frontend_packages() -> int:
    if not (FRONTEND / "package.json").exists() or (FRONTEND / "node_modules").exists():
        return 0
    if shutil.which("npm") is None:
        return fail(NODE + NODE_INSTALL)
    print("==> installing the storefront's npm packages (npm ci)", flush=True)
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND)
    return fail("npm ci failed in frontend/ (see above)") if result.returncode else 0


def main() -> int:
    if sys.version_info[:2] != (3, 11) and shutil.which("python3.11") is None:
        return fail(
            f"The platform needs Python 3.11 (this is {sys.version.split()[0]}); "
            "install it with: sudo apt-get install python3.11"
        )
    return ensure_uv() or ensure_frontend_packages()


if __name__ == "__main__":
    sys.exit(main())

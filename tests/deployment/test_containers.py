"""docker-compose.yml builds every service from the one root Dockerfile, with the right arguments.

No Docker engine is needed: the files are read, and checked against the platform's list of
services (tools/platform_services.py) and the code in the checkout.
"""

import re
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from platform_services import ROOT, SERVICES, Service, present

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def instructions() -> list[tuple[str, str]]:
    """The root Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (keyword.upper(), rest.strip())
        for keyword, _, rest in (line.partition(" ") for line in lines if line and line[0] != "#")
    ]


def test_compose_builds_exactly_the_platforms_services_and_the_storefront():
    built = {name for name, entry in COMPOSE["services"].items() if "build" in entry}
    assert built == {service.name for service in SERVICES} | {"frontend"}
    assert COMPOSE["services"]["frontend"]["build"] == {
        "context": "frontend",
        "dockerfile": "Dockerfile",
    }


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_compose_builds_the_service_from_the_root_dockerfile(service: Service):
    entry = COMPOSE["services"][service.name]
    assert entry["build"] == {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {"SERVICE": service.name, "MODULE": service.package, "PORT": str(service.port)},
    }
    assert entry["environment"]["PORT"] == str(service.port)
    if service not in present():
        pytest.skip(f"{service.name} is not in this checkout yet")
    assert (service.directory / "pyproject.toml").exists()
    assert (service.directory / "src" / service.package / "__main__.py").exists()
    # Without a command of its own, the container runs the image's: `python -m $MODULE serve`.
    if "command" in entry:
        assert f"python -m {service.package} serve" in entry["command"]


def test_no_python_service_keeps_a_dockerfile_of_its_own():
    """The Python services share the root Dockerfile; only the storefront (Node) has its own."""
    own = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/Dockerfile"))
    assert own == ["frontend/Dockerfile"]


def test_the_dockerfile_takes_the_service_as_build_arguments():
    steps = instructions()
    keywords = [keyword for keyword, _ in steps]
    assert keywords.count("FROM") == 1
    declared = {rest.partition("=")[0] for keyword, rest in steps if keyword == "ARG"}
    assert declared == {"SERVICE", "MODULE", "PORT"}
    # An ARG declared before FROM would not be seen by the build steps.
    assert keywords.index("FROM") < keywords.index("ARG")
    copies = [rest for keyword, rest in steps if keyword == "COPY"]
    assert "${SERVICE}/pyproject.toml ${SERVICE}/" in copies
    assert "${SERVICE} ${SERVICE}" in copies


def test_dependencies_are_installed_before_the_code_is_copied():
    steps = instructions()
    syncs = [i for i, (keyword, rest) in enumerate(steps) if "uv sync" in rest]
    assert len(syncs) == 2
    first, second = (steps[i][1] for i in syncs)
    for sync in (first, second):
        assert "--mount=type=cache,target=/root/.cache/uv" in sync
        assert "--frozen --no-dev" in sync
        assert '--package "$SERVICE"' in sync
    assert "--no-install-workspace" in first
    assert "--no-install-workspace" not in second
    code = steps.index(("COPY", "${SERVICE} ${SERVICE}"))
    assert syncs[0] < code < syncs[1]


def test_the_running_container_knows_its_module_and_port_and_is_not_root():
    steps = instructions()
    env = " ".join(rest for keyword, rest in steps if keyword == "ENV")
    assert "PORT=${PORT}" in env
    assert "MODULE=${MODULE}" in env
    assert "PATH=/app/.venv/bin:$PATH" in env
    assert ("USER", "nobody") in steps
    assert ("EXPOSE", "${PORT}") in steps
    (healthcheck,) = (rest for keyword, rest in steps if keyword == "HEALTHCHECK")
    assert "/health" in healthcheck
    assert 'os.environ[\\"PORT\\"]' in healthcheck
    # Build arguments are gone at run time: the command reads the ENV, through a shell.
    assert steps[-1] == ("CMD", '["sh", "-c", "exec python -m \\"$MODULE\\" serve"]')

# The two commands a newcomer needs: `make run` and `make test`.
export UV_PYTHON_DOWNLOADS := never

PY_SOURCES := shared-contracts/src service-kit/src $(wildcard *-service/src) api-gateway/src

.PHONY: run test install lint typecheck pytest contracts bench format

install:
	uv sync --frozen

run: install
	uv run python tools/run.py

test: install lint typecheck pytest

lint:
	uv run ruff check .
	uv run ruff format --check .

typecheck:
	uv run mypy $(PY_SOURCES) tools

pytest:
	uv run pytest

format:
	uv run ruff format .
	uv run ruff check --fix .

# Regenerate the committed event catalogue and broker definitions from the models.
contracts:
	uv run python -m shop_contracts.catalogue > docs/events.asyncapi.json
	uv run python -m service_kit.topology > broker-config/definitions.json

bench: install
	uv run python bench/gateway.py

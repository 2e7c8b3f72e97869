# The two commands a newcomer needs: `make run` and `make test`.
export UV_PYTHON_DOWNLOADS := never

PY_SOURCES := shared-contracts/src service-kit/src $(wildcard *-service/src) api-gateway/src

.PHONY: run test install lint typecheck pytest contracts bench format \
	frontend-install frontend-check frontend-build openapi openapi-check

install:
	uv sync --frozen

run: install
	uv run python tools/run.py

test: install lint typecheck frontend-check openapi-check pytest

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

# The storefront (frontend/): packages, lint, types, unit tests, the production build.
frontend-install:
	cd frontend && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

frontend-check: frontend-install
	cd frontend && npm run lint && npm run typecheck && npm test
	uv run python tools/frontend.py build

frontend-build: frontend-install
	uv run python tools/frontend.py build

# The typed API client: the gateway's public OpenAPI document from the services' apps, then the
# TypeScript types generated from it. openapi-check fails when either is out of date.
openapi: install frontend-install
	uv run python tools/openapi.py
	cd frontend && npm run gen:api

openapi-check: install frontend-install
	uv run python tools/openapi.py --check
	cd frontend && npx openapi-typescript openapi/gateway.json -o .next/schema.check.d.ts >/dev/null \
		&& cmp -s .next/schema.check.d.ts src/lib/api/schema.d.ts \
		|| { echo "frontend/src/lib/api/schema.d.ts is out of date: run make openapi" >&2; exit 1; }

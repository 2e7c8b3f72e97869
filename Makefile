# The two commands a newcomer needs: `make run` and `make test`. Both install what they need
# first (uv into your Python if it is missing, the workspace, the storefront's npm packages).
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
# uv from PATH, or the one tools/bootstrap.py installs into your Python (`python3 -m uv`).
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")

PY_SOURCES := shared-contracts/src service-kit/src $(wildcard *-service/src) api-gateway/src

.PHONY: run test install check reset lint typecheck pytest contracts k8s bench format \
	frontend-install frontend-check frontend-build openapi openapi-check

install:
	@command -v $(PYTHON) >/dev/null || { echo "✗ The platform needs Python 3.11; install it with: sudo apt-get install python3.11" >&2; exit 1; }
	@$(PYTHON) tools/bootstrap.py
	@$(UV) sync --frozen --quiet

# The supervisor runs under the workspace's Python directly (not `uv run`, which would hand it
# every signal a second time).
run: install
	@.venv/bin/python tools/run.py

# Drops and recreates the development databases and the broker's queues (asks first).
reset: install
	@.venv/bin/python tools/reset.py

test: install check lint typecheck frontend-check openapi-check pytest

# PostgreSQL, RabbitMQ and Redis running (and Node.js once frontend/ exists), or one sentence each
# on how to get them.
check:
	@.venv/bin/python tools/run.py --check

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .

typecheck:
	$(UV) run mypy $(PY_SOURCES) tools

pytest:
	$(UV) run pytest

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

# Regenerate the committed event catalogue and broker definitions from the models.
contracts:
	$(UV) run python -m shop_contracts.catalogue > docs/events.asyncapi.json
	$(UV) run python -m service_kit.topology > broker-config/definitions.json
	cp broker-config/definitions.json deploy/k8s/base/rabbitmq/definitions.json

# Render deploy/k8s's per-service manifests from tools/platform_services.py.
k8s:
	$(UV) run python tools/k8s_manifests.py

bench: install
	$(UV) run python bench/gateway.py

# The storefront (frontend/): packages, lint, types, unit tests, the production build.
frontend-install:
	cd frontend && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

frontend-check: frontend-install
	cd frontend && npm run lint && npm run typecheck && npm test
	$(UV) run python tools/frontend.py build

frontend-build: frontend-install
	$(UV) run python tools/frontend.py build

# The typed API client: the gateway's public OpenAPI document from the services' apps, then the
# TypeScript types generated from it. openapi-check fails when either is out of date.
openapi: install frontend-install
	$(UV) run python tools/openapi.py
	cd frontend && npm run gen:api

openapi-check: install frontend-install
	$(UV) run python tools/openapi.py --check
	cd frontend && npx openapi-typescript openapi/gateway.json -o .next/schema.check.d.ts >/dev/null \
		&& cmp -s .next/schema.check.d.ts src/lib/api/schema.d.ts \
		|| { echo "frontend/src/lib/api/schema.d.ts is out of date: run make openapi" >&2; exit 1; }

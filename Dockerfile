# Every service's image, built from the repository root with the service's three arguments:
#   docker build --build-arg SERVICE=cart-service --build-arg MODULE=cart_service \
#     --build-arg PORT=8003 -t shop/cart-service .
# docker-compose.yml passes them for each service.
FROM python:3.11-slim

# The service's folder (also its package name in the workspace), the module `python -m` runs,
# and the port it serves on.
ARG SERVICE=cart-service
ARG MODULE=cart_service
ARG PORT=8003

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app
# The workspace's manifests and lock first, so dependency layers survive code changes.
COPY pyproject.toml uv.lock ./
COPY shared-contracts/pyproject.toml shared-contracts/
COPY service-kit/pyproject.toml service-kit/
COPY ${SERVICE}/pyproject.toml ${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "$SERVICE"

COPY shared-contracts shared-contracts
COPY service-kit service-kit
COPY ${SERVICE} ${SERVICE}
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "$SERVICE"

# Build arguments do not reach the running container: what CMD and HEALTHCHECK need is ENV.
ENV PATH=/app/.venv/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=${PORT} \
    MODULE=${MODULE}
USER nobody
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s CMD ["python", "-c", "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health')"]
CMD ["sh", "-c", "exec python -m \"$MODULE\" serve"]

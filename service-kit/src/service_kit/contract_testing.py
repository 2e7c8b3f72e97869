"""Contract tests: a service's OpenAPI document is its contract, and the running app must keep it.

A service's `tests/api/test_contract.py` needs only a few lines (see auth-service's):

    schema = load_schema(create_app(settings_for_tests()))

    @pytest.fixture(scope="module")
    def live(database):  # a fixture that prepared the test database
        with LiveServer(create_app(settings_for_tests())) as server:
            yield server

    @schema.parametrize()
    def test_api_keeps_its_contract(case, live):
        check_case(case, live, headers=...)

    def test_protected_operations_refuse_missing_and_bad_tokens(live):
        assert_auth_enforced(live)

What is checked: no 5xx; every status, content type, header and body is one the OpenAPI declares
(so each route must declare its error responses with the shared ErrorResponse); invalid input is
refused with a 4xx; and every operation that declares bearer security answers 401 with the error
body when the token is missing, garbage or forged.

The app runs in a real uvicorn server on a free port, in a thread with its own event loop:
schemathesis calls are synchronous, and the test can still run coroutines on the app's loop
(`live.run(...)`), e.g. to create an admin through the service's own code.
"""

import asyncio
import threading
import time
import uuid
from collections.abc import Collection, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import schemathesis
import uvicorn
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.schemas import BaseSchema
from shop_contracts import ErrorResponse

from service_kit.testing import TokenMinter, free_port

DEFAULT_MAX_EXAMPLES = 25
ERROR_SCHEMA_NAME = ErrorResponse.__name__
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

T = TypeVar("T")


class LiveServer:
    """An ASGI app served by uvicorn on 127.0.0.1:<free port> in a background thread."""

    def __init__(
        self, app: FastAPI, *, startup_timeout: float = 30.0, wait_ready: bool = False
    ) -> None:
        self.app = app
        self.wait_ready = wait_ready
        self.port = free_port()
        self.startup_timeout = startup_timeout
        self.loop = asyncio.new_event_loop()
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                lifespan="on",
                log_config=None,
                access_log=False,
            )
        )
        self._thread = threading.Thread(target=self._serve, name="live-server", daemon=True)
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve())
        except BaseException as exc:  # reported to the test thread by __enter__
            self._error = exc
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        waited = 0.0
        while not self.server.started:
            if not self._thread.is_alive() or waited > self.startup_timeout:
                self.server.should_exit = True
                raise RuntimeError("the app did not start") from self._error
            self._thread.join(0.05)
            waited += 0.05
        if self.wait_ready:
            self._wait_ready(self.startup_timeout - waited)
        return self

    def _wait_ready(self, timeout: float) -> None:
        """Until /ready answers 200: what a service builds at start (a search index) is done, so
        the contract run meets the service as a load balancer would send it traffic."""
        deadline = time.monotonic() + max(timeout, 5.0)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.server.should_exit = True
        raise RuntimeError(f"the app did not become ready within {timeout:.0f} s")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self._thread.join(30)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the app's event loop (where its pools and clients live)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


# Addresses a real mail system accepts. JSON Schema's "email" format also allows quoted local
# parts, IP literals and reserved domains (.test, .local), which services rightly refuse with a
# 422 (pydantic's EmailStr does); generating those as "valid" data would only report that.
DELIVERABLE_EMAILS = st.builds(
    "{}@{}.{}".format,
    st.from_regex(r"\A[a-z0-9][a-z0-9_+-]{0,20}(\.[a-z0-9_+-]{1,10})?\Z"),
    st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?\Z"),
    st.sampled_from(["com", "org", "net", "io", "shop"]),
)


def load_schema(app: FastAPI, *, max_examples: int = DEFAULT_MAX_EXAMPLES) -> BaseSchema:
    """The app's OpenAPI as a schemathesis schema. Built from the app object (no server needed),
    so that a test module can load it at import time, as `@schema.parametrize()` requires."""
    schemathesis.openapi.format("email", DELIVERABLE_EMAILS)
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.config.update(request_timeout=30)
    schema.config.generation.update(
        max_examples=max_examples,
        # Credentials come from the test (a valid token), and missing or bad ones are checked by
        # assert_auth_enforced; generated Authorization headers would only hide the valid one.
        with_security_parameters=False,
        # Unknown query parameters are ignored, as HTTP APIs commonly do; unknown body fields
        # are still generated and must be refused.
        allow_extra_parameters=False,
    )
    return schema


def check_case(
    case: Case[Any], live: "LiveServer", *, headers: Mapping[str, str] | None = None
) -> None:
    """Send one generated request to the live server and run every built-in schemathesis check
    on the response: no 5xx; status, content type, headers and body as declared; invalid data
    refused and valid data accepted; and, with the given credentials, that the operation still
    refuses the request without them (`ignored_auth`)."""
    case.call_and_validate(base_url=live.url, headers=dict(headers) if headers else None)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    path_parameters: dict[str, str]
    has_body: bool

    @property
    def url_path(self) -> str:
        return self.path.format(**self.path_parameters)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def protected_operations(openapi: Mapping[str, Any]) -> list[Operation]:
    """Operations that declare a security requirement (directly or through the default)."""
    default_security = openapi.get("security", [])
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            spec = item.get(method)
            if spec is None or not spec.get("security", default_security):
                continue
            parameters = [*item.get("parameters", []), *spec.get("parameters", [])]
            found.append(
                Operation(
                    method=method,
                    path=path,
                    path_parameters={
                        p["name"]: _sample_value(p.get("schema", {}))
                        for p in parameters
                        if p.get("in") == "path"
                    },
                    has_body="requestBody" in spec,
                )
            )
    return found


def _sample_value(schema: Mapping[str, Any]) -> str:
    if schema.get("type") == "integer":
        return "1"
    return str(uuid.uuid4())


def _refused_credentials(issuer: str, audience: str) -> dict[str, dict[str, str]]:
    forged = TokenMinter(issuer=issuer, audience=audience, key="untrusted")
    return {
        "no Authorization header": {},
        "an empty bearer token": {"Authorization": "Bearer"},
        "a garbage bearer token": {"Authorization": "Bearer not-a-token"},
        "a token signed by an unknown key": {"Authorization": f"Bearer {forged.token()}"},
        "another scheme": {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
    }


def assert_auth_enforced(
    live: LiveServer, *, issuer: str = "shop-auth", audience: str = "shop"
) -> None:
    """Every operation that declares security answers 401 with the error body, whatever is
    wrong with the credentials, before it looks at the rest of the request."""
    operations = protected_operations(live.app.openapi())
    assert operations, "the OpenAPI declares no protected operation; is the security declared?"
    failures = []
    with httpx.Client(base_url=live.url, timeout=30) as client:
        for operation in operations:
            for problem, headers in _refused_credentials(issuer, audience).items():
                response = client.request(
                    operation.method.upper(),
                    operation.url_path,
                    headers=headers,
                    json={} if operation.has_body else None,
                )
                body = _json(response)
                error = body.get("error") if isinstance(body, dict) else None
                if response.status_code != 401 or not isinstance(error, dict):
                    failures.append(
                        f"{operation} with {problem}: {response.status_code} {response.text[:200]}"
                    )
                else:
                    ErrorResponse.model_validate(body)
    assert not failures, "protected operations that did not answer 401:\n" + "\n".join(failures)


# The readiness probe answers 503 with its checks, which is not an error of the API.
NOT_API_ERRORS = frozenset({"GET /ready"})


def assert_error_bodies_declared(
    openapi: Mapping[str, Any], *, exclude: Collection[str] = NOT_API_ERRORS
) -> None:
    """Every 4xx/5xx response an operation declares is the shared error body, and no operation
    keeps FastAPI's default validation error (which is not what the service sends)."""
    problems = []
    for path, item in openapi.get("paths", {}).items():
        for method in _METHODS:
            spec = item.get(method)
            if spec is None or f"{method.upper()} {path}" in exclude:
                continue
            for status, response in spec.get("responses", {}).items():
                if not status.startswith(("4", "5")):
                    continue
                ref = (
                    response.get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                    .get("$ref", "")
                )
                if not ref.endswith(f"/{ERROR_SCHEMA_NAME}"):
                    problems.append(f"{method.upper()} {path} {status}: {ref or 'no schema'}")
    assert not problems, "error responses not declared as ErrorResponse:\n" + "\n".join(problems)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None

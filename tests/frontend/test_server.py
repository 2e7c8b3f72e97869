"""The storefront's server (frontend/scripts/server.cjs, built as .next/standalone/server.js):
Next's server in several worker processes that share each refresh-token exchange, replace a
worker that crashes, and stop together. Runs the production build against a stand-in gateway
that counts the exchanges it is asked for.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from service_kit.testing import free_port

from frontend import SERVER, Frontend, ensure_built


def token(expires_in: int) -> str:
    """An access token as the storefront reads it (claims only; the gateway verifies)."""
    claims = {"sub": "user-1", "role": "customer", "exp": int(time.time()) + expires_in}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJFZERTQSJ9.{body}.c2ln"


class Gateway(ThreadingHTTPServer):
    """Answers a refresh with a new pair after a pause (so the requests overlap), and counts."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", free_port()), GatewayHandler)
        self.refreshes: list[str] = []
        self.addresses: list[str | None] = []  # X-Forwarded-For of each cart request
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/api/auth/refresh":
            self._answer(404, {"error": {"code": "not_found", "message": "no such route"}})
            return
        with self.server.lock:
            self.server.refreshes.append(body["refresh_token"])
            n = len(self.server.refreshes)
        time.sleep(0.3)
        user = {"id": "user-1", "username": "ada", "email": "ada@example.com", "role": "customer"}
        pair = {"access_token": token(900), "refresh_token": f"rt-{n}", "expires_in": 900}
        self._answer(200, {**pair, "token_type": "bearer", "user": user})

    def do_GET(self) -> None:
        if self.path.startswith("/api/cart"):
            self.server.addresses.append(self.headers.get("X-Forwarded-For"))
            self._answer(200, {"items": [], "item_count": 0, "subtotal_cents": 0})
        else:
            self._answer(404, {"error": {"code": "not_found", "message": "no such route"}})


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def storefront(gateway: Gateway) -> Iterator[Frontend]:
    ensure_built()
    frontend = Frontend(gateway=gateway.url, port=free_port(), workers=2)
    frontend.start()
    yield frontend
    frontend.stop()


def workers_of(frontend: Frontend) -> set[int]:
    assert frontend.proc is not None
    out = subprocess.run(
        ["pgrep", "-P", str(frontend.proc.pid)], capture_output=True, text=True, check=False
    ).stdout
    return {int(pid) for pid in out.split()}


def page_with_cookies(url: str, cookies: dict[str, str]) -> httpx.Response:
    # A client per request: a connection each, so the primary hands them to both workers.
    with httpx.Client(cookies=cookies, timeout=30) as client:
        return client.get(url)


def test_two_workers_serve_and_share_one_refresh_exchange(
    storefront: Frontend, gateway: Gateway
) -> None:
    assert len(workers_of(storefront)) == 2
    gateway.refreshes.clear()
    cookies = {"shop_at": token(-60), "shop_rt": "rt-old"}
    with ThreadPoolExecutor(12) as pool:
        responses = list(
            pool.map(lambda _: page_with_cookies(f"{storefront.url}/login", cookies), range(12))
        )
    # Twelve requests carrying the same expired token, spread over both workers: the old
    # refresh token was exchanged once, and every response hands the browser the same new pair.
    assert gateway.refreshes == ["rt-old"]
    for response in responses:
        assert response.status_code in (200, 307), response.text[:300]
        assert response.cookies.get("shop_rt") == "rt-1"
        assert response.cookies.get("shop_at")


def test_a_crashed_worker_is_replaced(storefront: Frontend) -> None:
    before = workers_of(storefront)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = workers_of(storefront)
        if len(now) == 2 and victim not in now:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no worker took the place of {victim}: {storefront.tail()}")
    for _ in range(6):
        assert page_with_cookies(f"{storefront.url}/login", {}).status_code == 200
    assert "exited with signal SIGKILL; starting another" in storefront.tail()


def test_stopping_the_server_stops_every_worker(gateway: Gateway) -> None:
    ensure_built()
    frontend = Frontend(gateway=gateway.url, port=free_port(), workers=2)
    frontend.start()
    workers = workers_of(frontend)
    assert len(workers) == 2
    frontend.stop()
    assert frontend.proc is not None and frontend.proc.returncode == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the server"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        (
            "STOREFRONT_WORKERS",
            "0",
            'STOREFRONT_WORKERS must be a whole number from 1 to 64, not "0"',
        ),
        ("TRUSTED_PROXIES", "10.0.0.1,lb", 'TRUSTED_PROXIES: "lb" is not an address or a network'),
    ],
)
def test_a_wrong_setting_is_refused_in_one_sentence(setting: str, value: str, said: str) -> None:
    ensure_built()
    result = subprocess.run(
        ["node", str(SERVER)],
        env={**os.environ, setting: value},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert said in result.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_a_taken_port_stops_the_server_with_a_sentence(workers: int) -> None:
    ensure_built()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run(
            ["node", str(SERVER)],
            env={
                **os.environ,
                "PORT": str(taken.getsockname()[1]),
                "HOSTNAME": "127.0.0.1",
                "STOREFRONT_WORKERS": str(workers),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "while starting; stopping" in result.stderr


def cart_request_address(frontend: Frontend, gateway: Gateway, sent: str | None) -> str | None:
    """What the gateway is told of the shopper's address when the page reads the cart."""
    gateway.addresses.clear()
    cookies = {"shop_at": token(900), "shop_rt": "rt-current"}
    headers = {"X-Forwarded-For": sent} if sent else {}
    with httpx.Client(cookies=cookies, headers=headers, timeout=30) as client:
        assert client.get(f"{frontend.url}/login").status_code == 200
    assert len(gateway.addresses) == 1, gateway.addresses
    return gateway.addresses[0]


def test_the_gateway_is_told_the_shoppers_address_not_what_the_browser_claims(
    storefront: Frontend, gateway: Gateway
) -> None:
    # The gateway counts failed sign-ins per address: every shopper must not share the
    # storefront's, and nobody may pick their own.
    assert cart_request_address(storefront, gateway, None) == "127.0.0.1"
    assert cart_request_address(storefront, gateway, "203.0.113.9") == "127.0.0.1"


def test_behind_a_trusted_forwarder_the_address_it_forwarded_is_passed_on(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.0/8")
    ensure_built()
    frontend = Frontend(gateway=gateway.url, port=free_port(), workers=1)
    frontend.start()
    try:
        # A browser's own claim, then the load balancer's addition: the right-most untrusted.
        sent = "198.51.100.7, 203.0.113.9, 127.0.0.1"
        assert cart_request_address(frontend, gateway, sent) == "203.0.113.9"
        assert cart_request_address(frontend, gateway, None) == "127.0.0.1"
    finally:
        frontend.stop()

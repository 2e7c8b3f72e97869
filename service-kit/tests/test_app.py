"""The app factory: error format for every failure, request ids, health, metrics, token checks."""

import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from service_kit.app import create_service_app
from service_kit.auth import CurrentUser, RequireAdmin
from service_kit.config import ServiceSettings
from service_kit.errors import Conflict
from service_kit.testing import TokenMinter, app_client


class Widget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    price_cents: int = Field(gt=0)


router = APIRouter()


@router.post("/widgets", status_code=201)
async def create_widget(widget: Widget) -> Widget:
    return widget


@router.get("/conflict")
async def conflict() -> None:
    raise Conflict("Already there.", code="widget_exists")


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals SELECT * FROM users")


@router.get("/mine")
async def mine(user: CurrentUser) -> dict[str, str]:
    return {"user_id": str(user.user_id), "role": user.role}


@router.get("/admin-only")
async def admin_only(user: RequireAdmin) -> dict[str, str]:
    return {"ok": "yes"}


@pytest.fixture
async def client():
    settings = ServiceSettings(service_name="kittest-service", database_name="shop_kit_test")
    app = create_service_app(
        settings, title="kit test", routers=[router], database=False, publishes=False
    )
    minter = TokenMinter()
    async with app_client(app) as c:
        minter.install(app)
        c.minter = minter
        yield c


async def test_validation_error_is_422_naming_the_field_and_unknown_fields_are_refused(client):
    resp = await client.post("/widgets", json={"name": "", "price_cents": 5, "role": "admin"})
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "validation_error"
    assert {d["field"] for d in error["details"]} == {"name", "role"}
    assert error["request_id"] == resp.headers["x-request-id"]


async def test_malformed_json_is_422_not_500(client):
    resp = await client.post(
        "/widgets", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"


async def test_app_errors_and_unknown_routes_use_the_error_format(client):
    resp = await client.get("/conflict")
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "widget_exists"
    resp = await client.get("/nope")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"


async def test_unexpected_error_is_500_without_internals(client):
    resp = await client.get("/boom")
    assert resp.status_code == 500
    assert resp.json()["error"]["code"] == "internal_error"
    assert "SELECT" not in resp.text and "Traceback" not in resp.text


async def test_request_and_correlation_ids_are_echoed(client):
    cid = str(uuid.uuid4())
    resp = await client.get("/health", headers={"x-request-id": "req-1", "x-correlation-id": cid})
    assert resp.json() == {"status": "ok"}
    assert resp.headers["x-request-id"] == "req-1"
    assert resp.headers["x-correlation-id"] == cid


async def test_ready_reports_each_dependency_and_metrics_are_exposed(client):
    resp = await client.get("/ready")
    assert resp.status_code == 200
    assert resp.json()["checks"] == {"redis": "up"}
    metrics = await client.get("/metrics")
    assert "http_requests_total" in metrics.text


async def test_ready_waits_for_what_a_service_builds_at_start():
    settings = ServiceSettings(service_name="kittest-service", database_name="shop_kit_test")
    built = False

    async def start_building(kit) -> None:
        kit.readiness["index"] = lambda: built

    app = create_service_app(
        settings, title="kit test", database=False, publishes=False, on_startup=[start_building]
    )
    async with app_client(app) as client:
        starting = await client.get("/ready")
        built = True
        ready = await client.get("/ready")

    assert starting.status_code == 503
    assert starting.json() == {
        "status": "not_ready",
        "checks": {"index": "starting", "redis": "up"},
    }
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"index": "up", "redis": "up"}


async def test_token_checks_in_the_service(client):
    minter: TokenMinter = client.minter
    user = uuid.uuid4()
    ok = await client.get("/mine", headers=minter.headers(user))
    assert ok.json() == {"user_id": str(user), "role": "customer"}
    assert (await client.get("/mine")).status_code == 401
    assert (await client.get("/admin-only", headers=minter.headers(user))).json()["error"][
        "code"
    ] == "forbidden"
    assert (
        await client.get("/admin-only", headers=minter.headers(user, "admin"))
    ).status_code == 200

    claims = minter.claims(user)
    public_pem = minter.private_key.public_key().public_bytes(
        __import__("cryptography.hazmat.primitives.serialization", fromlist=["x"]).Encoding.PEM,
        __import__(
            "cryptography.hazmat.primitives.serialization", fromlist=["x"]
        ).PublicFormat.SubjectPublicKeyInfo,
    )
    hostile = {
        "alg none": jwt.encode(
            claims, None, algorithm="none", headers={"kid": minter.kid, "typ": "at+jwt"}
        ),
        "wrong key": minter.impostor().token(user),
        "unknown key": TokenMinter(key="untrusted").token(user),
        "EdDSA signed": jwt.encode(
            claims,
            Ed25519PrivateKey.generate(),
            algorithm="EdDSA",
            headers={"kid": minter.kid, "typ": "at+jwt"},
        ),
        "hs256 confusion": jwt.encode(
            claims,
            public_pem.decode(),
            algorithm="HS256",
            headers={"kid": minter.kid, "typ": "at+jwt"},
        )
        if False
        else _hs256(claims, public_pem, minter.kid),
        "tampered role": _tamper(minter.token(user), role="admin"),
        "wrong aud": minter.token(user, aud="elsewhere"),
        "expired": minter.token(user, exp=1_000_000_000, iat=999_999_000),
        "opaque refresh token": "x" * 43,
    }
    for name, token in hostile.items():
        resp = await client.get("/mine", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 401, name
        assert resp.json()["error"]["code"] in {"invalid_token", "not_authenticated"}, name


async def test_revoked_session_is_refused(client):
    minter: TokenMinter = client.minter
    token = minter.token()
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/mine", headers=headers)).status_code == 200
    sid = jwt.decode(token, options={"verify_signature": False})["sid"]
    verifier = client._transport.app.state.kit.verifier
    await verifier.revocations.revoke(sid, 60)
    import asyncio

    await asyncio.sleep(verifier.revocations.recheck_seconds + 0.05)
    assert (await client.get("/mine", headers=headers)).status_code == 401


def _hs256(claims, key: bytes, kid: str) -> str:
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": kid}).encode())
    payload = b64(
        json.dumps(
            {**claims, "iat": int(claims["iat"].timestamp()), "exp": int(claims["exp"].timestamp())}
        ).encode()
    )
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def _tamper(token: str, **changes) -> str:
    import base64
    import json

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    new_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{new_payload}.{signature}"


def test_settings_refuse_development_secrets_outside_dev_and_test(monkeypatch):
    monkeypatch.setenv("ENV", "prod")
    with pytest.raises(ValidationError, match="database_password"):
        ServiceSettings(service_name="x-service")
    monkeypatch.setenv("DATABASE_PASSWORD", "s3cret-from-vault")
    monkeypatch.setenv("AMQP_URL", "amqp://shop:pw@broker:5672/")
    settings = ServiceSettings(service_name="x-service")
    assert settings.database_name == "shop_x"


@router.get("/widgets")
async def list_widgets() -> list[Widget]:
    return []


async def test_method_not_allowed_lists_every_method_of_the_path(client):
    resp = await client.delete("/widgets")
    assert resp.status_code == 405
    assert resp.json()["error"]["code"] == "method_not_allowed"
    assert set(resp.headers["allow"].split(", ")) == {"GET", "POST"}


def test_database_out_of_connections_is_503_not_500():
    import asyncpg
    import sqlalchemy.exc
    from service_kit.errors import _is_unavailable

    class AdaptedError(Exception):
        pass

    orig = AdaptedError("too many")
    orig.__cause__ = asyncpg.exceptions.TooManyConnectionsError("remaining connection slots")
    assert _is_unavailable(sqlalchemy.exc.DBAPIError("SELECT 1", {}, orig))
    assert _is_unavailable(sqlalchemy.exc.TimeoutError("pool"))
    assert not _is_unavailable(sqlalchemy.exc.DBAPIError("SELECT 1", {}, AdaptedError("syntax")))
    assert not _is_unavailable(RuntimeError("bug"))

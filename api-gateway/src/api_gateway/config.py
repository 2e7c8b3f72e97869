"""Gateway settings: where each service lives, and the limits the gateway enforces.

Every field can be set from the environment, e.g. `PRODUCT_SERVICE_URL=http://product:8002`.
"""

from pydantic import SecretStr
from service_kit.config import ServiceSettings

# Which service owns each `/api/<area>/` (API.md); the gateway routes nothing else.
AREA_SERVICES: dict[str, str] = {
    "auth": "auth",
    "products": "product",
    "categories": "product",
    "cart": "cart",
    "orders": "order",
    "payments": "payment",
    "inventory": "inventory",
    "recommendations": "recommendation",
    "analytics": "analytics",
}
SERVICES: tuple[str, ...] = tuple(dict.fromkeys(AREA_SERVICES.values()))


class GatewaySettings(ServiceSettings):
    service_name: str = "api-gateway"
    port: int = 8000

    # The gateway has no database and no broker; these kit fields are unused, and must not
    # make a production start fail for holding a development value.
    database_password: SecretStr = SecretStr("")
    amqp_url: SecretStr = SecretStr("")

    auth_service_url: str = "http://127.0.0.1:8001"
    product_service_url: str = "http://127.0.0.1:8002"
    cart_service_url: str = "http://127.0.0.1:8003"
    order_service_url: str = "http://127.0.0.1:8004"
    payment_service_url: str = "http://127.0.0.1:8005"
    inventory_service_url: str = "http://127.0.0.1:8006"
    recommendation_service_url: str = "http://127.0.0.1:8007"
    analytics_service_url: str = "http://127.0.0.1:8008"

    # Browsers may call the API from these origins (comma separated).
    frontend_origin: str = "http://localhost:3000"

    # MAX_BODY_BYTES (the kit's, 1 MiB) bounds request bodies; a larger one gets a 413 once what
    # the client sent of it has been drained (service_kit.body_limit).
    # Bodies with a Content-Length up to this are read at once; larger or chunked ones stream.
    buffer_body_bytes: int = 64 * 1024
    # Responses with a Content-Length up to this are read at once; larger or chunked ones stream.
    buffer_response_bytes: int = 256 * 1024

    upstream_connect_timeout_seconds: float = 2.0
    # Longest wait for the response head, and between two reads of a response body.
    upstream_timeout_seconds: float = 30.0
    upstream_pool_size: int = 512
    # Below uvicorn's 5 s keep-alive so a pooled socket is never reused while a service closes it.
    upstream_keepalive_seconds: float = 4.0

    health_timeout_seconds: float = 1.0
    health_cache_seconds: float = 1.0

    # In-process token buckets, so the limits hold per replica (see the README).
    rate_limit_enabled: bool = True
    rate_limit_ip_per_second: float = 100.0
    rate_limit_ip_burst: float = 200.0
    rate_limit_user_per_second: float = 50.0
    rate_limit_user_burst: float = 100.0
    # The proxies in front of the gateway (IPs or networks, comma separated; none by default)
    # whose X-Forwarded-For names the client. The client address (rate limits, and the
    # X-Forwarded-For / X-Real-IP the services get) is the peer's otherwise; whatever
    # client-address headers a request brings are dropped, never forwarded.
    trusted_proxies: str = ""

    # Outside development the public port serves no API documents and no metrics; metrics are
    # served on this port instead (for the scraper, not published).
    metrics_port: int = 9100

    access_log: bool = True

    @property
    def trusted_forwarders(self) -> list[str]:
        """TRUSTED_PROXIES (the gateway has no FORWARDED_ALLOW_IPS: nothing forwards to it but
        the proxies named here)."""
        return [h.strip() for h in self.trusted_proxies.split(",") if h.strip()]

    @property
    def service_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_service_url").rstrip("/") for name in SERVICES}

    @property
    def cors_origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.frontend_origin.split(",") if o.strip()]

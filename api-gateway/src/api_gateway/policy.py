"""Who may call which route: the access table of API.md, checked before anything is forwarded.

Rules are tried in order and the first whose method and path match decides. Every area ends
with a catch-all, so a route the table does not name needs at least a login (or the admin role
where the whole area is admin's); the services check ownership and the finer rules themselves.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"
    CUSTOMER = "customer"
    ADMIN = "admin"


PUBLIC, CUSTOMER, ADMIN = Access.PUBLIC, Access.CUSTOMER, Access.ADMIN
ANY = "*"

_PARAM = re.compile(r"\{(\w+)(:path)?\}")


@dataclass(frozen=True, slots=True)
class Rule:
    methods: frozenset[str] | None
    path: str  # the template, e.g. /api/orders/{id}/ship; also the route label in metrics
    access: Access
    area: str
    regex: re.Pattern[str]

    def matches(self, method: str, path: str) -> bool:
        return (self.methods is None or method in self.methods) and bool(self.regex.match(path))


def _compile(template: str) -> re.Pattern[str]:
    pattern, end = "", 0
    for m in _PARAM.finditer(template):
        pattern += re.escape(template[end : m.start()])
        pattern += ".*" if m.group(2) else "[^/]+"
        end = m.end()
    pattern += re.escape(template[end:])
    return re.compile(f"^{pattern}/?$")


def rule(method: str, template: str, access: Access) -> Rule:
    if method == ANY:
        methods = None
    else:
        methods = frozenset(method.split("|"))
        if "GET" in methods:
            methods |= {"HEAD"}
    return Rule(methods, template, access, template.split("/")[2], _compile(template))


RULES: tuple[Rule, ...] = (
    rule("POST", "/api/auth/signup", PUBLIC),
    rule("POST", "/api/auth/login", PUBLIC),
    rule("POST", "/api/auth/refresh", PUBLIC),
    rule("GET", "/api/auth/.well-known/jwks.json", PUBLIC),
    rule("POST", "/api/auth/logout", CUSTOMER),
    rule("GET", "/api/auth/me", CUSTOMER),
    rule(ANY, "/api/auth/users", ADMIN),
    rule(ANY, "/api/auth/users/{rest:path}", ADMIN),
    rule(ANY, "/api/auth/{rest:path}", CUSTOMER),
    rule("GET", "/api/products", PUBLIC),
    rule("GET", "/api/products/{id}", PUBLIC),
    rule("GET", "/api/products/{id}/image.svg", PUBLIC),
    rule(ANY, "/api/products", ADMIN),
    rule(ANY, "/api/products/{rest:path}", ADMIN),
    rule("GET", "/api/categories", PUBLIC),
    rule("GET", "/api/categories/{rest:path}", PUBLIC),
    rule(ANY, "/api/categories", ADMIN),
    rule(ANY, "/api/categories/{rest:path}", ADMIN),
    rule("GET", "/api/inventory/{product_id}", PUBLIC),
    rule(ANY, "/api/inventory", ADMIN),
    rule(ANY, "/api/inventory/{rest:path}", ADMIN),
    rule(ANY, "/api/cart", CUSTOMER),
    rule(ANY, "/api/cart/{rest:path}", CUSTOMER),
    rule("POST", "/api/orders/{id}/ship", ADMIN),
    rule(ANY, "/api/orders", CUSTOMER),
    rule(ANY, "/api/orders/{rest:path}", CUSTOMER),
    rule(ANY, "/api/payments", CUSTOMER),
    rule(ANY, "/api/payments/{rest:path}", CUSTOMER),
    rule("GET", "/api/recommendations/related/{product_id}", PUBLIC),
    rule("GET", "/api/recommendations/best-sellers", PUBLIC),
    rule("GET", "/api/recommendations/for-me", CUSTOMER),
    rule("POST", "/api/recommendations/descriptions", ADMIN),
    rule(ANY, "/api/recommendations", CUSTOMER),
    rule(ANY, "/api/recommendations/{rest:path}", CUSTOMER),
    rule(ANY, "/api/analytics", ADMIN),
    rule(ANY, "/api/analytics/{rest:path}", ADMIN),
)


class Policy:
    def __init__(self, rules: tuple[Rule, ...] = RULES) -> None:
        self._by_area: dict[str, list[Rule]] = {}
        for r in rules:
            self._by_area.setdefault(r.area, []).append(r)

    @property
    def areas(self) -> frozenset[str]:
        return frozenset(self._by_area)

    def match(self, method: str, path: str) -> Rule | None:
        """The rule for a request; None when the path is not a gateway route at all."""
        area = area_of(path)
        if area is None:
            return None
        for r in self._by_area.get(area, ()):
            if r.matches(method, path):
                return r
        return None


def area_of(path: str) -> str | None:
    """`products` for /api/products/42; None for paths outside /api/ or with dot segments."""
    if not path.startswith("/api/"):
        return None
    # A service would resolve `..` after the gateway decided who may call the path.
    if "/." in path and any(seg in (".", "..") for seg in path.split("/")):
        return None
    end = path.find("/", 5)
    return path[5:] if end == -1 else path[5:end]

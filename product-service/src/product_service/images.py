"""Generated product pictures: a deterministic SVG per product (category colour and icon, a
pattern from the product id, the product's name), so the demo needs no image files and no
external URLs. The name is the only shopper-visible input, and it is XML-escaped."""

import hashlib
import textwrap
import uuid
from xml.sax.saxutils import escape

from product_service.demo_catalog import category_color

SIZE = 400
LINE_WIDTH = 22
MAX_LINES = 3

_STROKE = 'fill="none" stroke="#fff" stroke-width="10" stroke-linecap="round" ' + (
    'stroke-linejoin="round"'
)
# Icons drawn around (200, 150), in white.
_ICONS: dict[str, str] = {
    "audio": f'<path d="M140 175v-25a60 60 0 0 1 120 0v25" {_STROKE}/>'
    '<rect x="124" y="160" width="34" height="56" rx="12" fill="#fff"/>'
    '<rect x="242" y="160" width="34" height="56" rx="12" fill="#fff"/>',
    "computers": f'<rect x="132" y="96" width="136" height="92" rx="8" {_STROKE}/>'
    '<path d="M112 204h176l-14 18H126z" fill="#fff"/>',
    "phones": f'<rect x="160" y="84" width="80" height="140" rx="16" {_STROKE}/>'
    '<circle cx="200" cy="204" r="7" fill="#fff"/>',
    "cameras": f'<rect x="124" y="112" width="152" height="100" rx="14" {_STROKE}/>'
    f'<circle cx="200" cy="162" r="30" {_STROKE}/><rect x="150" y="92" width="44" height="20" '
    'rx="4" fill="#fff"/>',
    "kitchen": f'<path d="M136 112h108v70a34 34 0 0 1-34 34h-40a34 34 0 0 1-34-34z" {_STROKE}/>'
    f'<path d="M244 132h14a20 20 0 0 1 0 40h-14" {_STROKE}/>',
    "home": f'<path d="M128 156l72-60 72 60M148 140v76h104v-76" {_STROKE}/>'
    '<rect x="186" y="176" width="28" height="40" fill="#fff"/>',
    "sports": f'<circle cx="200" cy="156" r="62" {_STROKE}/>'
    f'<path d="M146 126c30 18 78 18 108 0M146 186c30-18 78-18 108 0" {_STROKE}/>',
    "books": f'<path d="M200 112c-22-14-50-16-76-10v112c26-6 54-4 76 10 22-14 50-16 76-10V102'
    f'c-26-6-54-4-76 10zM200 112v112" {_STROKE}/>',
    "toys": '<rect x="132" y="160" width="60" height="60" rx="6" fill="#fff"/>'
    '<rect x="208" y="160" width="60" height="60" rx="6" fill="#fff" fill-opacity=".75"/>'
    '<rect x="170" y="96" width="60" height="60" rx="6" fill="#fff" fill-opacity=".9"/>',
    "beauty": f'<rect x="160" y="128" width="80" height="96" rx="18" {_STROKE}/>'
    '<rect x="182" y="92" width="36" height="30" rx="6" fill="#fff"/>',
}
_DEFAULT_ICON = (
    f'<path d="M136 110l56-18 72 72-56 56-72-72z" {_STROKE}/><circle cx="170" cy="124" r="9" '
    'fill="#fff"/>'
)


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def _color(category: str) -> str:
    known = category_color(category)
    if known is not None:
        return known
    hue = int.from_bytes(_digest("category", category)[:2], "big") % 360
    return f"hsl({hue}, 55%, 45%)"


def name_lines(name: str) -> list[str]:
    lines = textwrap.wrap(name, LINE_WIDTH, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1][: LINE_WIDTH - 1] + "…"]
    return lines


def render_svg(product_id: uuid.UUID, name: str, category: str) -> str:
    color = _color(category)
    seed = _digest("product", str(product_id))
    circles = "".join(
        f'<circle cx="{seed[i] * SIZE // 255}" cy="{seed[i + 1] * SIZE // 255}" '
        f'r="{40 + seed[i + 2] % 90}" fill="#fff" fill-opacity=".{6 + seed[i + 3] % 6:02d}"/>'
        for i in range(0, 12, 4)
    )
    lines = name_lines(name)
    first_y = 292 if len(lines) > 1 else 308
    text = "".join(
        f'<tspan x="200" y="{first_y + 30 * n}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    title = escape(name)
    label = escape(name, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-label="{label}">'
        f"<title>{title}</title>"
        f'<rect width="{SIZE}" height="{SIZE}" fill="{color}"/>{circles}'
        f"{_ICONS.get(category, _DEFAULT_ICON)}"
        '<text fill="#fff" font-family="system-ui, -apple-system, Segoe UI, sans-serif" '
        f'font-size="24" font-weight="600" text-anchor="middle">{text}</text></svg>'
    )

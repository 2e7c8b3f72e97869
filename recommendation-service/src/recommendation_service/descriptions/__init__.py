"""Product descriptions: the local writer, and the checks Gemini's copy must pass too."""

from recommendation_service.descriptions.writer import (
    MAX_CHARS,
    MIN_CHARS,
    TONE_NAMES,
    Brief,
    check_description,
    numbers_in,
    write_description,
)

__all__ = [
    "MAX_CHARS",
    "MIN_CHARS",
    "TONE_NAMES",
    "Brief",
    "check_description",
    "numbers_in",
    "write_description",
]

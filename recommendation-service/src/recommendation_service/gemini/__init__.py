"""Google Gemini: re-ranking the local candidates and writing descriptions, with the local
answer whenever Gemini gives no usable one."""

from recommendation_service.gemini.client import GEMINI_FALLBACKS, Gemini, GeminiUnavailable
from recommendation_service.gemini.describe import describe
from recommendation_service.gemini.rerank import Candidate, Ranked, Reranker

__all__ = [
    "GEMINI_FALLBACKS",
    "Candidate",
    "Gemini",
    "GeminiUnavailable",
    "Ranked",
    "Reranker",
    "describe",
]

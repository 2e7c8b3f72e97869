"""Google Gemini through the `google-genai` SDK, with everything that can go wrong turned into
one exception, `GeminiUnavailable(reason)`, which the callers answer locally instead.

Structured output: every call names a pydantic model as `response_schema` and gets an instance
back (`response.parsed`), or None when the answer did not fit it. The SDK retries nothing (a
shopper is waiting; the local answer is at hand), and each call is bounded by
`HttpOptions.timeout` (milliseconds) and by a per-minute call budget."""

import asyncio
import logging
import time
from collections import deque
from typing import TypeVar

import aiohttp
import httpx
from google import genai
from google.genai import errors, types
from prometheus_client import Counter
from pydantic import BaseModel

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

GEMINI_CALLS = Counter(
    "recommendation_gemini_calls_total", "Calls made to Gemini, by outcome", ["purpose", "outcome"]
)
GEMINI_FALLBACKS = Counter(
    "recommendation_gemini_fallbacks_total",
    "Answers given locally although a Gemini key is set, by why",
    ["purpose", "reason"],
)


class GeminiUnavailable(Exception):
    """Gemini gave no usable answer; `reason` is the label counted and logged."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class CallBudget:
    """At most `per_minute` calls in any sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._calls: deque[float] = deque()

    def take(self) -> bool:
        now = time.monotonic()
        while self._calls and now - self._calls[0] >= 60.0:
            self._calls.popleft()
        if len(self._calls) >= self.per_minute:
            return False
        self._calls.append(now)
        return True


class Gemini:
    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None,
        api_version: str,
        timeout_ms: int,
        calls_per_minute: int,
    ) -> None:
        self.model = model
        self.timeout_ms = timeout_ms
        self.budget = CallBudget(calls_per_minute)
        self._client = genai.Client(
            api_key=api_key,
            http_options=types.HttpOptions(
                api_version=api_version,
                base_url=base_url,
                timeout=timeout_ms,
                retry_options=types.HttpRetryOptions(attempts=1),
            ),
        )

    async def close(self) -> None:
        await self._client.aio.aclose()

    async def generate(
        self, purpose: str, prompt: str, schema: type[M], *, temperature: float = 0.4
    ) -> M:
        """One structured answer, or GeminiUnavailable (counted and logged here)."""
        try:
            answer = await self._generate(prompt, schema, temperature)
        except GeminiUnavailable as exc:
            fallback(purpose, exc)
            raise
        GEMINI_CALLS.labels(purpose, "ok").inc()
        return answer

    async def _generate(self, prompt: str, schema: type[M], temperature: float) -> M:
        if not self.budget.take():
            raise GeminiUnavailable("budget", "per-minute call budget spent")
        config = types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=schema,
            temperature=temperature,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )
        try:
            # The SDK's own timeout covers the HTTP exchange; this one also bounds what it
            # does around it (a slow body, connection setup).
            async with asyncio.timeout(self.timeout_ms / 1000 + 0.5):
                response = await self._client.aio.models.generate_content(
                    model=self.model, contents=prompt, config=config
                )
        except errors.APIError as exc:
            if exc.code == 429:
                raise GeminiUnavailable("rate_limited", str(exc.status)) from exc
            if exc.code >= 500:
                raise GeminiUnavailable("server_error", f"{exc.code} {exc.status}") from exc
            raise GeminiUnavailable("client_error", f"{exc.code} {exc.status}") from exc
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise GeminiUnavailable("timeout", f"over {self.timeout_ms} ms") from exc
        except (aiohttp.ClientError, httpx.TransportError, OSError) as exc:
            raise GeminiUnavailable("network", type(exc).__name__) from exc
        except ValueError as exc:  # the SDK could not read the body as JSON
            raise GeminiUnavailable("malformed", type(exc).__name__) from exc
        if _blocked(response):
            raise GeminiUnavailable("unsafe", "the answer was blocked")
        parsed = response.parsed
        if isinstance(parsed, schema):
            return parsed
        raise GeminiUnavailable("malformed", "the answer did not fit the schema")


def fallback(purpose: str, exc: GeminiUnavailable) -> None:
    """Count and log a local answer given instead of Gemini's."""
    GEMINI_FALLBACKS.labels(purpose, exc.reason).inc()
    GEMINI_CALLS.labels(purpose, "failed").inc()
    log.warning(
        "gemini unavailable; answering locally",
        extra={"purpose": purpose, "reason": exc.reason, "detail": str(exc)},
    )


def _blocked(response: types.GenerateContentResponse) -> bool:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        return True
    candidates = response.candidates or []
    unsafe = {
        types.FinishReason.SAFETY,
        types.FinishReason.PROHIBITED_CONTENT,
        types.FinishReason.BLOCKLIST,
        types.FinishReason.SPII,
    }
    return any(candidate.finish_reason in unsafe for candidate in candidates)

"""A fake of Gemini's REST API on loopback, for the real `google-genai` SDK to talk to.

It serves `POST /{v1|v1beta}/models/{model}:generateContent` and answers as the test scripts
it: a good ranking (the candidate ids of the prompt, in reverse, with reasons), a text to
return as is (malformed JSON, a description), unknown ids, a slow answer (timeout), an HTTP
error (429, 503), a blocked answer. Every request is kept for the test to look at."""

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

IDS = re.compile(r"id ([0-9a-f-]{36})")


@dataclass
class Call:
    path: str
    api_key: str | None
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        return str(self.body["contents"][0]["parts"][0]["text"])


@dataclass
class FakeGemini:
    mode: str = "rank"
    text: str = ""
    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    def reset(self) -> None:
        self.mode, self.text, self.delay = "rank", "", 0.0
        self.calls.clear()

    def answer(self, mode: str, text: str = "", delay: float = 0.0) -> None:
        self.mode, self.text, self.delay = mode, text, delay

    async def __aenter__(self) -> "FakeGemini":
        app = web.Application()
        app.router.add_post("/{version}/models/{call}", self._generate)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _generate(self, request: web.Request) -> web.Response:
        version, call = request.match_info["version"], request.match_info["call"]
        if version not in ("v1", "v1beta") or not call.endswith(":generateContent"):
            return web.json_response({"error": {"code": 404, "status": "NOT_FOUND"}}, status=404)
        body = await request.json()
        self.calls.append(Call(request.path, request.headers.get("x-goog-api-key"), body))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.mode in ("429", "503"):
            status = {"429": "RESOURCE_EXHAUSTED", "503": "UNAVAILABLE"}[self.mode]
            error = {"code": int(self.mode), "message": "try later", "status": status}
            return web.json_response({"error": error}, status=int(self.mode))
        if self.mode == "blocked":
            return web.json_response(_answer("", finish="SAFETY"))
        prompt = Call(request.path, None, body).prompt
        if self.mode == "rank":
            ids = list(reversed(IDS.findall(prompt)))
            items = [{"product_id": i, "reason": f"Gemini likes {i[:8]}"} for i in ids]
            return web.json_response(_answer(json.dumps({"items": items})))
        if self.mode == "unknown_ids":
            items = [{"product_id": "00000000-0000-4000-8000-000000000000", "reason": "Made up"}]
            return web.json_response(_answer(json.dumps({"items": items})))
        return web.json_response(_answer(self.text))  # "text": the scripted text as is


def _answer(text: str, finish: str = "STOP") -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": finish,
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10},
        "modelVersion": "fake-gemini",
    }

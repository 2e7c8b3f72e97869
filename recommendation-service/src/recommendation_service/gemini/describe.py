"""Gemini writes a product description; the copy must pass the same checks as the local
writer's (length, every keyword, no number that was not given) or the local one is used."""

from pydantic import BaseModel, Field

from recommendation_service.descriptions import MAX_CHARS, MIN_CHARS, Brief, check_description
from recommendation_service.gemini.client import Gemini, GeminiUnavailable, fallback


class DescriptionAnswer(BaseModel):
    description: str = Field(description="One paragraph of marketing copy")


async def describe(gemini: Gemini, brief: Brief) -> str | None:
    """Gemini's copy for the brief, or None (counted and logged) to write it locally."""
    try:
        answer = await gemini.generate(
            "description", _prompt(brief), DescriptionAnswer, temperature=0.8
        )
    except GeminiUnavailable:
        return None
    text = " ".join(answer.description.split())
    problem = check_description(text, brief)
    if problem is not None:
        fallback("description", GeminiUnavailable(problem))
        return None
    return text


def _prompt(brief: Brief) -> str:
    keywords = ", ".join(f'"{k}"' for k in brief.keywords) or "(none)"
    return (
        "Write one paragraph of marketing copy for a product in an online shop.\n"
        f"Product name: {brief.name}\nCategory: {brief.category}\nTone: {brief.tone}\n"
        f"Keywords, each to appear word for word: {keywords}\n"
        f"Between {MIN_CHARS} and {MAX_CHARS} characters. Do not invent specifications: "
        "no numbers, sizes, ratings or claims that are not in the name or the keywords."
    )

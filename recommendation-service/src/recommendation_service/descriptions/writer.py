"""The local description writer: marketing copy from a product's name, category, keywords and
tone, with no model and no key.

It composes a paragraph from the tone's sentence patterns and the category's words, with every
keyword written as given. Which patterns it picks is seeded by the inputs: the same product
gets the same text every time, two different products never the same text (the name, the
category and every keyword appear in it), and the shapes vary from product to product. No
pattern holds a digit, so every number in the text is one the merchant wrote."""

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from recommendation_service.descriptions.vocabulary import (
    CATEGORIES,
    TONES,
    CategoryVoice,
    Tone,
    generic_voice,
)
from recommendation_service.recommender import category_label

MIN_CHARS = 120
MAX_CHARS = 1500
TONE_NAMES = tuple(TONES)


@dataclass(frozen=True)
class Brief:
    name: str
    category: str
    keywords: tuple[str, ...] = ()
    tone: str = "friendly"


def write_description(brief: Brief) -> str:
    rng = random.Random(_seed(brief))  # variety, not secrecy
    tone = TONES[brief.tone]
    label = category_label(brief.category)
    voice = CATEGORIES.get(_slug(brief.category)) or generic_voice(label)
    moment = rng.choice(voice.moments)
    words = {
        "name": brief.name,
        "thing": voice.thing,
        "label": label,
        "moment": moment,
    }
    sentences = [_fill(rng.choice(tone.openings), words)]
    keyword_sentences = _keyword_sentences(rng, tone, brief.keywords)
    promises = rng.sample(voice.promises, len(voice.promises))
    patterns = rng.sample(tone.promises, len(tone.promises))
    promise = _fill(
        patterns[0], {**words, "promise": promises.pop(), "moment": _other(rng, voice, moment)}
    )
    # The promise goes among the keyword sentences, at a place the inputs choose.
    keyword_sentences.insert(rng.randint(0, len(keyword_sentences)), promise)
    sentences.extend(keyword_sentences)
    closing = _fill(rng.choice(tone.closings), words)
    # A short brief (few or no keywords, a terse tone) gets more of the category's promises.
    while promises and len(" ".join([*sentences, closing])) < MIN_CHARS:
        extra = {**words, "promise": promises.pop(), "moment": _other(rng, voice, moment)}
        sentences.append(_fill(patterns[-1], extra))
    sentences.append(closing)
    return " ".join(sentences)


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)?", text))


def check_description(text: str, brief: Brief) -> str | None:
    """Why a text does not fit the brief (for Gemini's copy), or None when it does."""
    if not MIN_CHARS <= len(text) <= MAX_CHARS:
        return "length"
    lower = text.lower()
    if any(keyword.lower() not in lower for keyword in brief.keywords):
        return "missing_keyword"
    given = numbers_in(" ".join((brief.name, brief.category, *brief.keywords)))
    if not numbers_in(text) <= given:
        return "invented_number"
    return None


def _keyword_sentences(rng: random.Random, tone: Tone, keywords: Sequence[str]) -> list[str]:
    remaining = list(keywords)
    rng.shuffle(remaining)
    sentences = []
    singles: list[str] = []
    pairs: list[str] = []
    while remaining:
        # Each pattern once before any is used again, so no sentence shape repeats close by.
        if len(remaining) >= 2 and rng.random() < 0.6:
            pairs = pairs or rng.sample(tone.two_keywords, len(tone.two_keywords))
            a, b = remaining.pop(), remaining.pop()
            sentences.append(_fill(pairs.pop(), {"a": a, "b": b}))
        else:
            singles = singles or rng.sample(tone.one_keyword, len(tone.one_keyword))
            sentences.append(_fill(singles.pop(), {"a": remaining.pop()}))
    return sentences


def _fill(pattern: str, words: dict[str, str]) -> str:
    """Fill `{word}` as given and `{Word}` with its first letter capitalised."""
    values = dict(words)
    values.update({key.capitalize(): _capitalised(value) for key, value in words.items()})
    return pattern.format(**values)


def _capitalised(text: str) -> str:
    """A sentence's first word capitalised, unless its case means something ("iPhone")."""
    return text[:1].upper() + text[1:] if text == text.lower() else text


def _other(rng: random.Random, voice: CategoryVoice, moment: str) -> str:
    others = [m for m in voice.moments if m != moment]
    return rng.choice(others) if others else moment


def _slug(category: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", category.lower()).strip("-")


def _seed(brief: Brief) -> int:
    text = "\x1f".join((brief.name, brief.category, brief.tone, *brief.keywords))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")

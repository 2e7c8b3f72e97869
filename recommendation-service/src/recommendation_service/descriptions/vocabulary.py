"""Words the local description writer draws on: how each catalog category is talked about,
and how each tone opens, introduces the keywords and closes. No sentence here holds a digit:
the writer never states a figure the merchant did not give."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryVoice:
    thing: str  # what the category's products are, in a phrase
    moments: tuple[str, ...]  # where or when they are used
    promises: tuple[str, ...]  # what a shopper in the category wants to hear


CATEGORIES: dict[str, CategoryVoice] = {
    "audio": CategoryVoice(
        "gear for listening",
        ("on the morning commute", "in a busy open office", "on a long flight", "at home"),
        ("clear, balanced sound", "comfort that lasts", "music the way it was mixed"),
    ),
    "computers": CategoryVoice(
        "kit for your desk",
        ("through a long working day", "at a focused desk", "in a home office", "on the road"),
        ("a setup that keeps up", "less clutter and more flow", "work that feels quicker"),
    ),
    "phones": CategoryVoice(
        "everyday mobile gear",
        ("on the go", "between meetings", "on a weekend away", "from morning to night"),
        ("staying connected", "a device that works as hard as you do", "less to carry"),
    ),
    "cameras": CategoryVoice(
        "gear for taking pictures",
        ("on a city walk", "at a family gathering", "on the trail", "in the studio"),
        ("sharper memories", "shots you will want to print", "the moment, caught"),
    ),
    "kitchen": CategoryVoice(
        "a kitchen essential",
        ("on busy weeknights", "for a slow Sunday breakfast", "when friends come over"),
        ("better meals with less fuss", "a kitchen that works with you", "flavour first"),
    ),
    "home": CategoryVoice(
        "something for the home",
        ("in the living room", "on a quiet evening", "in a bright reading corner"),
        ("a calmer, cosier home", "small comforts every day", "a space that feels yours"),
    ),
    "sports": CategoryVoice(
        "kit for staying active",
        ("on an early run", "in the gym", "on a weekend hike", "in a lunchtime class"),
        ("training that feels good", "gear that keeps pace", "more time moving"),
    ),
    "books": CategoryVoice(
        "a book worth making time for",
        ("on a rainy afternoon", "at bedtime", "on the train", "by the window"),
        ("pages that pull you in", "ideas to share", "a story that stays with you"),
    ),
    "toys": CategoryVoice(
        "something to play with",
        ("on a rainy day indoors", "at a birthday party", "after school", "on family night"),
        ("hours of play", "imagination at full tilt", "fun the whole family shares"),
    ),
    "beauty": CategoryVoice(
        "a step in your routine",
        ("in the morning routine", "before a night out", "at the end of a long day"),
        ("skin and hair that feel cared for", "a routine you look forward to", "a little luxury"),
    ),
}


def generic_voice(label: str) -> CategoryVoice:
    lower = label.lower()
    return CategoryVoice(
        f"a find in {lower}",
        ("every day", "when it matters", "at home or away"),
        (f"the best of {lower}", "quality you notice", "a choice you will not regret"),
    )


@dataclass(frozen=True)
class Tone:
    openings: tuple[str, ...]  # {name}, {thing}, {moment}, {label}
    one_keyword: tuple[str, ...]  # {a}
    two_keywords: tuple[str, ...]  # {a}, {b}
    promises: tuple[str, ...]  # {promise}, {moment}
    closings: tuple[str, ...]  # {name}, {label}


TONES: dict[str, Tone] = {
    "friendly": Tone(
        (
            "Say hello to the {name}, {thing} that makes life {moment} a little easier.",
            "Meet the {name}: {thing} you will reach for {moment}.",
            "The {name} is {thing} made for real life, {moment} and beyond.",
        ),
        (
            "You will love the {a}.",
            "The {a} is a real highlight.",
            "And yes, {a} comes as standard.",
        ),
        (
            "It brings {a} together with {b}.",
            "Think {a}, plus {b}.",
            "There is {a}, and there is {b}, too.",
        ),
        ("It is all about {promise}, {moment}.", "Expect {promise} {moment}."),
        (
            "Pop the {name} in your basket and see for yourself.",
            "Your new favourite in {label} is one click away.",
            "Treat yourself: the {name} is ready when you are.",
        ),
    ),
    "professional": Tone(
        (
            "The {name} is {thing} built for dependable use {moment}.",
            "Designed for people who expect more, the {name} is {thing} for use {moment}.",
            "The {name} brings considered design to {thing}, {moment}.",
        ),
        ("It offers {a}.", "Key features include {a}.", "{A} is part of the design."),
        (
            "It combines {a} with {b}.",
            "It pairs {a} and {b} in one considered design.",
            "Both {a} and {b} are included.",
        ),
        ("The result: {promise}, {moment}.", "It is engineered for {promise} {moment}."),
        (
            "A sound choice in {label}.",
            "The {name}: a reliable addition to any {label} collection.",
            "Choose the {name} for quality that lasts.",
        ),
    ),
    "playful": Tone(
        (
            "Psst: the {name} is here, and it is {thing} with serious charm {moment}.",
            "Plot twist: {thing} can be fun. Enter the {name}, {moment}.",
            "Warning: the {name} may become your favourite {thing}, {moment}.",
        ),
        ("Bonus round: {a}.", "Did someone say {a}? Yes, yes they did.", "{A}? Obviously."),
        (
            "It has {a}. It has {b}. It has range.",
            "{A} meets {b}, and they get along famously.",
            "Come for the {a}, stay for the {b}.",
        ),
        ("Cue {promise}, {moment}.", "Result: {promise}, {moment}, and a grin."),
        (
            "Go on, the {name} is waiting.",
            "{Label} just got a lot more fun.",
            "Add the {name} to the cart before someone else does.",
        ),
    ),
    "luxurious": Tone(
        (
            "The {name} is {thing}, elevated: quiet refinement {moment}.",
            "Indulge in the {name}, {thing} composed for those who savour detail, {moment}.",
            "Refined in every detail, the {name} turns {thing} into a pleasure {moment}.",
        ),
        (
            "Savour the {a}.",
            "Every detail considered, down to the {a}.",
            "{A}, beautifully realised.",
        ),
        (
            "It unites {a} and {b} with effortless grace.",
            "{A} and {b}, in perfect balance.",
            "An exquisite pairing of {a} and {b}.",
        ),
        ("Here is {promise}, {moment}.", "It offers {promise}, {moment}, without compromise."),
        (
            "The {name}: {label}, perfected.",
            "Discover the {name}, and settle for nothing less.",
            "An indulgence in {label} you deserve.",
        ),
    ),
    "minimal": Tone(
        (
            "The {name}. {Thing}, {moment}.",
            "{Thing}, simplified: the {name}.",
            "The {name}: {thing}, nothing more, {moment}.",
        ),
        ("{A}.", "With {a}.", "{A}, included."),
        ("{A}. {B}.", "{A} and {b}.", "{A}, with {b}."),
        ("{Promise}.", "{Promise}, {moment}."),
        ("The {name}.", "{Label}, done simply.", "Just the {name}."),
    ),
}

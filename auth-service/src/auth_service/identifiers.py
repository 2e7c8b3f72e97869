"""How an email or a username is compared: NFKC-normalised and case-folded.

Without it, `ada@example.com`, `ADA@EXAMPLE.COM`, the same written in full-width letters
(U+FF41…) and `straße@…`/`strasse@…` would be different accounts. Emails are stored folded,
so the unique index on `lower(email)` holds for folded values; usernames are ASCII (their
pattern), for which folding is lower-casing, and are stored as typed.
"""

import unicodedata


def fold(text: str) -> str:
    """NFKC_Casefold, as Unicode defines it for caseless matching of identifiers."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())

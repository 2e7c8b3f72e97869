"""docs/operations.md backs each claim with a test it names: every named test exists.

A name is `path::test`, or `::test` for one more test of the file named last before it.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from platform_services import ROOT

GUIDE = ROOT / "docs" / "operations.md"
REFERENCE = re.compile(r"`((?:[\w./-]+\.py)?)::(\w+)`")


def cited() -> list[tuple[str, str]]:
    pairs, last = [], ""
    for path, name in REFERENCE.findall(GUIDE.read_text()):
        last = path or last
        pairs.append((last, name))
    return pairs


def test_the_guide_names_tests():
    assert len(cited()) >= 25


def test_every_test_the_guide_names_exists():
    missing = []
    for path, name in cited():
        source = ROOT / path
        text = source.read_text() if source.is_file() else ""
        if not re.search(rf"^(async )?def {name}\(", text, re.MULTILINE):
            missing.append(f"{path}::{name}")
    assert missing == []

"""The register of Sweden's 290 municipalities (name, code, county).

Evaluations, score data and good examples name municipalities; the register
tells a real name from a typo and suggests the closest names.
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path
from typing import NamedTuple

from .records import make_slug

BUNDLED = Path(__file__).parent / 'data' / 'kommuner.csv'


class Municipality(NamedTuple):
    """One municipality of the register."""

    #: SCB's four-digit municipality code, e.g. ``"1080"``.
    code: str
    #: The short name, e.g. ``"Karlskrona"``.
    name: str
    #: The county, e.g. ``"Blekinge län"``.
    county: str

    @property
    def slug(self) -> str:
        """``karlskrona``: the name of its page."""
        return make_slug(self.name, None)


class Register(NamedTuple):
    """Municipalities keyed by their lower-case name."""

    by_key: dict[str, Municipality]

    def find(self, name: str) -> Municipality | None:
        """The municipality called *name* ("Burlöv", "Burlövs kommun", ...)."""
        key = name.strip().lower()
        for suffix in (' kommun', ' stad'):
            key = key.removesuffix(suffix)
        found = self.by_key.get(key)
        if found is None and key.endswith('s'):
            found = self.by_key.get(key[:-1])  # genitive: "Burlövs" -> "Burlöv"
        return found

    def suggest(self, name: str) -> list[str]:
        """Up to three registered names close to *name*."""
        names = [m.name for m in self.by_key.values()]
        return difflib.get_close_matches(name.strip(), names, n=3, cutoff=0.6)

    def __len__(self) -> int:
        return len(self.by_key)


def load_register(path: Path) -> Register:
    """Read a register CSV (``code,name,county``; ``#`` lines are comments)."""
    with path.open(encoding='utf-8', newline='') as handle:
        lines = [line for line in handle if not line.startswith('#')]
    rows = csv.DictReader(lines)
    by_key = {
        row['name'].strip().lower(): Municipality(
            row['code'].strip(), row['name'].strip(), row['county'].strip()
        )
        for row in rows
    }
    return Register(by_key)


def unknown_message(name: str, register: Register) -> str:
    """The warning text for a name not in the register."""
    close = register.suggest(name)
    hint = f'; did you mean {", ".join(close)}?' if close else ''
    return f'{name!r} is not one of Sweden\'s {len(register)} municipalities{hint}'

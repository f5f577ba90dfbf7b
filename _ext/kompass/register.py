"""The register of Sweden's 290 municipalities (name, code, county).

Evaluations, score data and good examples name municipalities; the register
tells a real name from a typo and suggests the closest names.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

from .values import closest, make_slug

BUNDLED = Path(__file__).parent / 'data' / 'kommuner.csv'


class Municipality(NamedTuple):
    """One municipality of the register."""

    #: SCB's four-digit municipality code, e.g. ``"1080"``.
    code: str
    #: The short name, e.g. ``"Karlskrona"``.
    name: str
    #: The county, e.g. ``"Blekinge län"``.
    county: str
    #: The official name readers see, e.g. ``"Lunds kommun"``, ``"Region Gotland"``.
    official: str
    #: The name in file names and slugs, e.g. ``"karlskrona"``; ``"haabo"`` for
    #: Håbo, whose plain ASCII name would be Habo's.
    slug: str


class Register(NamedTuple):
    """Municipalities keyed by their lower-case name."""

    by_key: dict[str, Municipality]
    #: The same, keyed by their lower-case official name.
    by_official: dict[str, Municipality]

    def find(self, name: str) -> Municipality | None:
        """The municipality called *name* ("Burlöv", "Burlövs kommun", ...)."""
        key = name.strip().lower()
        official = self.by_official.get(key)
        if official is not None:
            return official
        for suffix in (' kommun', ' stad'):
            key = key.removesuffix(suffix)
        found = self.by_key.get(key)
        if found is None and key.endswith('s'):
            found = self.by_key.get(key[:-1])  # genitive: "Burlövs" -> "Burlöv"
        return found

    def suggest(self, name: str) -> list[str]:
        """Up to three registered names close to *name*."""
        return closest(name, (m.name for m in self.by_key.values()))

    def __len__(self) -> int:
        return len(self.by_key)


def official_name(name: str) -> str:
    """``Lund`` -> ``Lunds kommun``: the genitive of Swedish place names (no
    ``s`` after a vowel or s, x, z), for names the register does not know."""
    if name[-1:].lower() in 'aeiouyåäösxz':
        return f'{name} kommun'
    return f'{name}s kommun'


def load_register(path: Path) -> Register:
    """Read a register CSV (``code,name,county`` and optionally ``official``
    and ``slug``; ``#`` lines are comments)."""
    with path.open(encoding='utf-8', newline='') as handle:
        lines = [line for line in handle if not line.startswith('#')]
    by_key: dict[str, Municipality] = {}
    for row in csv.DictReader(lines):
        name = row['name'].strip()
        by_key[name.lower()] = Municipality(
            row['code'].strip(), name, row['county'].strip(),
            (row.get('official') or '').strip() or official_name(name),
            (row.get('slug') or '').strip() or make_slug(name, None),
        )
    return Register(by_key, {m.official.lower(): m for m in by_key.values()})


def unknown_message(name: str, register: Register) -> str:
    """The warning text for a name not in the register."""
    close = register.suggest(name)
    hint = f'; did you mean {", ".join(close)}?' if close else ''
    return f'{name!r} is not one of Sweden\'s {len(register)} municipalities{hint}'

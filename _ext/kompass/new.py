"""``make new MUNICIPALITY=<name> YEAR=<year>``: start an evaluation.

Writes ``reports/<slug>/`` from the catalogue: a draft ``{evaluation}``, the
report's chapters, one page per area with its box, every sub-area heading
with a place for its score and text, strengths and improvements, the
overview, and "Källor" with an empty ``kallor.bib`` ready to fill. It builds
without warnings as it is, and never touches an existing folder.

The values given are data: the municipality must be one of the register's
(so quotes, ``;`` or anything else is refused before a file is written), and
the files get the register's own names, never the text as typed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import values
from .catalogue import Catalogue, load_catalogues
from .register import BUNDLED, Municipality, load_register, unknown_message

PROJECT = Path(__file__).resolve().parents[2]

INTRO = """\
## 1 Vad är kommunkompassen?

Kommunkompassen är ett verktyg för utvärdering och analys av en kommuns sätt att styra och leda utifrån kommunfullmäktiges perspektiv.

% SKR:s standardtext om Kommunkompassen: se reports/karlskrona-2022/index.md, kapitel 1.
"""


def genitive(name: str) -> str:
    """``Lunds kommun`` -> ``Lunds kommuns``, ``Region Gotland`` -> ``Region
    Gotlands`` (no ``s`` after s, x or z)."""
    return name if name[-1:].lower() in 'sxz' else f'{name}s'


def _index(municipality: Municipality, year: int, catalogue: Catalogue) -> str:
    areas = '\n'.join(f'omrade-{a.id}' for a in catalogue.areas)
    name, official = municipality.name, municipality.official
    return f"""\
# Kommunkompassen – Analys av {official}

% Utkast skapat med `make new`. Fyll i :date: (ÅÅÅÅ-MM-DD) och utvärderarna,
% och ändra :status: till final när alla delområden har poäng. Finns kommunens
% förra utvärdering i underlaget, ange den med :previous: (till exempel
% :previous: {municipality.slug}-{year - 1}), så visar rapporten förändringen.

```{{evaluation}}
:municipality: {name}
:year: {year}
:criteria: {catalogue.id}
:status: draft
```

{INTRO}
## 2. {official} i förhållande till Kommunkompassen: En sammanfattande genomgång

### Utvärderingen

% Hur och när utvärderingen genomfördes, vilka som intervjuades.

### Sammanfattning av resultat

Nedan visas {genitive(official)} totalpoäng samt poängfördelningen per område.

```{{score-chart}}
:kind: areas
```

```{{score-chart}}
:kind: profile
```

### Förändring sedan föregående utvärdering

```{{score-changes}}
```

### Jämförelser

Alla utvärderingar från 2017 och framåt finns tillgängliga på Sveriges Kommuner och Regioners hemsida www.skr.se.

### Sammanfattande kommentarer

% Utvärderarnas sammanfattning.

## 3. Detaljerad genomgång per område

```{{toctree}}
:maxdepth: 2

{areas}
```

## 4. Översikt av poängfördelning

Nedanstående tabeller visar {genitive(official)} resultat fördelat på delfrågor inom respektive område

```{{score-overview}}
```

## Källor

Kommunens styrdokument som rapporten hänvisar till.

% Lägg in dokumenten i kallor.bib (se anvisningen där) och hänvisa till dem i texten
% med {{cite:p}}`nyckel`; listan nedan visar de dokument rapporten hänvisar till.

```{{bibliography}}
```
"""


def _bibfile(municipality: Municipality, year: int, slug: str) -> str:
    # No at sign anywhere: pybtex reads one as the start of an entry, even
    # on a line that starts with %.
    return f"""\
% Källor för utvärderingen av {municipality.official} {year}: de styrdokument
% rapporten hänvisar till, en post per dokument. Skriv en post så här, med ett
% snabel-a direkt före misc:
%
%   misc{{{slug}-styrmodell,
%     author = {{{{{municipality.official}}}}},
%     title = {{Styrmodell}},
%     year = {{2024}},
%   }}
%
% och hänvisa till den i texten med {{cite:p}}`{slug}-styrmodell`. En nyckel namnger
% ett dokument i hela arkivet: låt den börja med mappens namn, {slug}-.
"""


def _area_page(catalogue: Catalogue, area_id: str) -> str:
    area = catalogue.area(area_id)
    assert area is not None
    parts = [
        f'# Område {area.id} {area.title}\n',
        f'```{{area}} {area.id}\n```\n',
        '## Allmänt\n',
        '% Inledning till området.\n',
    ]
    for crit in area.criteria:
        parts += [
            f'## {crit.title}\n',
            f'% Poäng för {crit.id} (0–{crit.max}): ta bort "% " framför de tre raderna.\n'
            f'% ```{{score}} {crit.id}\n% :points:\n% ```\n',
            f'% Bedömning av {crit.id} {crit.title}.\n',
        ]
    parts += [
        '```{strengths}\n- Styrkor inom området (ersätt den här raden).\n```\n',
        '```{improvements}\n- Förbättringsmöjligheter inom området (ersätt den här '
        'raden).\n```\n',
    ]
    return '\n'.join(parts)


def create(
    municipality: Municipality, year: int, reports: Path, catalogue: Catalogue
) -> Path:
    """Write the new evaluation folder; refuses one that exists."""
    slug = f'{municipality.slug}-{year}'
    folder = reports / slug
    if folder.exists() or folder.is_symlink():
        raise FileExistsError(f'{folder} exists already; nothing was changed')
    folder.mkdir(parents=True)
    (folder / 'index.md').write_text(_index(municipality, year, catalogue), encoding='utf-8')
    (folder / 'kallor.bib').write_text(_bibfile(municipality, year, slug), encoding='utf-8')
    for area in catalogue.areas:
        (folder / f'omrade-{area.id}.md').write_text(
            _area_page(catalogue, area.id), encoding='utf-8'
        )
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--municipality', required=True)
    parser.add_argument('--year', required=True)
    parser.add_argument('--criteria', default='kommunkompassen-2020')
    parser.add_argument('--project', type=Path, default=PROJECT)
    args = parser.parse_args(argv)
    try:
        year = values.year(args.year)
    except values.BadValue as exc:
        print(f'make new: YEAR {exc}', file=sys.stderr)
        return 1
    register = load_register(BUNDLED)
    found = register.find(args.municipality)
    if found is None:
        print(f'make new: {unknown_message(args.municipality, register)}', file=sys.stderr)
        return 1
    catalogues, _ = load_catalogues(args.project / 'criteria')
    catalogue = catalogues.get(args.criteria)
    if catalogue is None or not catalogue.usable:
        print(f'make new: unknown criteria catalogue {args.criteria!r}; known: '
              f'{", ".join(sorted(catalogues))}', file=sys.stderr)
        return 1
    try:
        folder = create(found, year, args.project / 'reports', catalogue)
    except FileExistsError as exc:
        print(f'make new: {exc}', file=sys.stderr)
        return 1
    print(f'Skapade {folder.relative_to(args.project)}/ – börja i index.md.')
    return 0


if __name__ == '__main__':
    sys.exit(main())

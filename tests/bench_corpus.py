"""The benchmark's corpus: N evaluations like Karlskrona 2022, and their score data.

Reproducible from a seed. Each evaluation is a copy of ``reports/karlskrona-2022``
(every directive of FORMAT.md, two charts, good examples, citations) for another
municipality of the register, with its own points, date, evaluators and
``:previous:`` link; some split an area over two files, some use colon fences.
``reports/scores.csv`` gets as many data rows again, at every level FORMAT.md
allows (criteria, areas, total only; some without a date).

The corpus is a model: :meth:`Corpus.kompass_files` writes it as this project's
reports, and ``bench_plain`` writes the same text as plain MyST. Edits
(:meth:`Corpus.edit_text`, :meth:`Corpus.edit_score`) change the model, so both
sides are rewritten from the same data.
"""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT / 'reports' / 'karlskrona-2022'
REGISTER = PROJECT / '_ext' / 'kompass' / 'data' / 'kommuner.csv'
CATALOGUE = PROJECT / 'criteria' / 'kommunkompassen-2020.yaml'
YEARS = range(2020, 2027)
SINCE = '2020-01-01'  # conf.py's kompass_average_since
AVERAGE_MIN = 10  # kompass_average_min's default
#: Municipalities other than Karlskrona that Karlskrona's report names as good examples.
OTHERS = ('Burlöv', 'Tomelilla', 'Österåker', 'Nacka', 'Höganäs', 'Växjö')
FIRST = ('Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Eva', 'Anders', 'Sara',
         'Per', 'Hanna', 'Linda', 'Mikael', 'Elin', 'Jonas')
LAST = ('Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson',
        'Persson', 'Svensson', 'Gustafsson', 'Lundborg', 'Nordberg', 'Lindqvist')
MOTIVATION = 'Bedömningen bygger på intervjuer, styrdokument och kommunens webbplats.'

_ROLE = re.compile(r'\{good-example\}`([^`<]*?)(?:\s*<([^>#`]+)(#[\d.]+)?>)?`')
_FENCE = re.compile(r'^```\{([\w-]+)\}([^\n]*)\n(.*?)^```[ \t]*$', re.M | re.S)


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county: str
    official: str
    slug: str


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    max: int


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    short: str
    max: int
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Catalogue:
    id: str
    title: str
    areas: tuple[Area, ...]

    @property
    def max(self) -> int:
        return sum(a.max for a in self.areas)

    def criterion(self, cid: str) -> Criterion:
        return next(c for a in self.areas for c in a.criteria if c.id == cid)


@dataclass
class Evaluation:
    """A report (``report=True``) or a row of ``reports/scores.csv``."""

    slug: str
    municipality: Municipality
    year: int
    date: str  # ISO; empty for a data row known only by its year
    report: bool
    points: dict[str, int] | None = None  # criterion points where known
    areas: dict[str, int] | None = None  # area scores where known
    total: int | None = None
    source: str = ''
    evaluators: tuple[str, ...] = ()
    previous: str | None = None
    split_area: str | None = None  # an area whose text is split over two files
    colon: bool = False  # colon fences (:::{score}) instead of backticks
    stated: frozenset[str] = frozenset()  # areas whose box carries :stated:
    examples: dict[str, Municipality] = field(default_factory=dict)  # OTHERS -> stand-in
    text_edits: int = 0

    @property
    def sort_date(self) -> str:
        return self.date or f'{self.year}-12-31'

    @property
    def label(self) -> str:
        return f'{self.municipality.name} {self.year}'


def make_slug(name: str) -> str:
    """FORMAT.md's slug of a name: lower-case ASCII, å/ä -> a, ö -> o, spaces -> '-'."""
    ascii_name = unicodedata.normalize('NFKD', name.lower()).encode('ascii', 'ignore').decode()
    return re.sub(r'[^a-z0-9]+', '-', ascii_name).strip('-')


def load_register(path: Path = REGISTER) -> list[Municipality]:
    """The bundled register (``#`` lines are comments; ``slug`` overrides, as for Håbo)."""
    with path.open(encoding='utf-8', newline='') as handle:
        lines = [line for line in handle if not line.startswith('#')]
    found = []
    for row in csv.DictReader(lines):
        name = row['name'].strip()
        official = (row.get('official') or '').strip() or f'{name} kommun'
        slug = (row.get('slug') or '').strip() or make_slug(name)
        found.append(Municipality(row['code'].strip(), name, row['county'].strip(),
                                  official, slug))
    return found


def load_catalogue(path: Path = CATALOGUE) -> Catalogue:
    data = yaml.safe_load(path.read_text(encoding='utf-8'))
    return Catalogue(data['id'], data['title'], tuple(
        Area(str(a['id']), a['title'], a.get('short', a['title']), int(a['max']), tuple(
            Criterion(str(c['id']), c['title'], int(c['max'])) for c in a['criteria']))
        for a in data['areas']
    ))


def area_totals(catalogue: Catalogue, points: dict[str, int]) -> dict[str, int]:
    return {a.id: sum(points[c.id] for c in a.criteria) for a in catalogue.areas}


@dataclass(frozen=True)
class Mention:
    """A good example: where it was made and what it names."""

    slug: str
    docname: str
    index: int  # its number within the document
    municipality: str
    criterion: str
    sentence: str


@dataclass(frozen=True)
class Average:
    areas: dict[str, float] | None  # None: fewer than AVERAGE_MIN with area scores
    total: float | None
    n_areas: int
    n_total: int


class Corpus:
    """N reports and N data rows over 2020–2026, drawn from *seed*."""

    def __init__(self, n: int, seed: int = 2022, citations: bool = True) -> None:
        self.n = n
        self.seed = seed
        #: Karlskrona's {cite:p}, .bib file and bibliography; without them as
        #: an option, since sphinxcontrib-bibtex's cost grows with the reports.
        self.citations = citations
        self.register = load_register()
        self.catalogue = load_catalogue()
        self.by_name = {m.name: m for m in self.register}
        capacity = len(self.register) * len(YEARS)
        if not 1 <= n <= capacity // 2:
            raise ValueError(f'N must be 1..{capacity // 2}: {len(self.register)} '
                             f'municipalities x {len(YEARS)} years hold {capacity} slugs, '
                             'half for reports, half for data rows')
        self.template = {p.name: p.read_text(encoding='utf-8')
                         for p in sorted(TEMPLATE.glob('*.md'))}
        self.bib = (TEMPLATE / 'kallor.bib').read_text(encoding='utf-8')
        rng = random.Random(seed)
        pairs = [(m, y) for m in self.register for y in YEARS]
        rng.shuffle(pairs)
        self.evaluations: list[Evaluation] = []
        for i, (muni, year) in enumerate(pairs[:2 * n]):
            self.evaluations.append(self._draw(rng, muni, year, report=i < n))
        self.evaluations.sort(key=lambda e: (e.sort_date, e.slug))
        self.by_slug = {e.slug: e for e in self.evaluations}
        last: dict[str, Evaluation] = {}
        for ev in self.evaluations:  # in date order: the previous is the one before
            if ev.report and ev.municipality.name in last:
                ev.previous = last[ev.municipality.name].slug
            last[ev.municipality.name] = ev
        self._original: dict[tuple[str, str], int] = {}
        self._texts: dict[str, tuple[object, dict[str, str]]] = {}
        self._averages: dict[str, Average] = {}

    # --- drawing ---------------------------------------------------------------
    def _draw(self, rng: random.Random, muni: Municipality, year: int,
              report: bool) -> Evaluation:
        day = rng.randrange(365)
        month, dom = day * 12 // 365 + 1, day % 28 + 1
        date = f'{year}-{month:02d}-{dom:02d}'
        level = rng.random()
        points = {}
        for area in self.catalogue.areas:
            quality = rng.uniform(0.35, 0.9)
            for crit in area.criteria:
                share = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
                points[crit.id] = round(crit.max * share)
        areas = area_totals(self.catalogue, points)
        ev = Evaluation(f'{muni.slug}-{year}', muni, year, date, report)
        if report:
            ev.points, ev.areas, ev.total = points, areas, sum(areas.values())
            ev.evaluators = tuple(f'{rng.choice(FIRST)} {rng.choice(LAST)}' for _ in range(2))
            ev.split_area = rng.choice([a.id for a in self.catalogue.areas[:-1]]) \
                if rng.random() < 0.3 else None
            ev.colon = rng.random() < 0.2
            ev.stated = frozenset(a.id for a in self.catalogue.areas if rng.random() < 0.6)
            pool = [m for m in self.register if m.name not in (muni.name, 'Karlskrona')]
            ev.examples = dict(zip(OTHERS, rng.sample(pool, len(OTHERS)), strict=True))
            return ev
        ev.source = f'{muni.official}s webbplats, sidan Kommunkompassen ({year})'
        if rng.random() < 0.15:
            ev.date = ''  # only the year was published
        if level < 0.35:
            ev.points, ev.areas, ev.total = points, areas, sum(areas.values())
        elif level < 0.7:
            ev.areas, ev.total = areas, sum(areas.values())
        else:
            ev.total = sum(areas.values())
        return ev

    # --- queries ---------------------------------------------------------------
    def reports(self) -> list[Evaluation]:
        return [e for e in self.evaluations if e.report]

    def rows(self) -> list[Evaluation]:
        return [e for e in self.evaluations if not e.report]

    def latest(self) -> Evaluation:
        return self.reports()[-1]

    def earliest(self) -> Evaluation:
        return self.reports()[0]

    def average(self, date: str) -> Average:
        """FORMAT.md's national average at *date* (the evaluation itself included)."""
        if date not in self._averages:
            self._averages[date] = self._average(date)
        return self._averages[date]

    def _average(self, date: str) -> Average:
        known = [e for e in self.evaluations if SINCE <= e.sort_date <= date]
        with_areas = [e.areas for e in known if e.areas is not None]
        totals = [e.total for e in known if e.total is not None]
        areas = None
        if len(with_areas) >= AVERAGE_MIN:
            areas = {a.id: sum(scores[a.id] for scores in with_areas) / len(with_areas)
                     for a in self.catalogue.areas}
        total = sum(totals) / len(totals) if len(totals) >= AVERAGE_MIN else None
        return Average(areas, total, len(with_areas), len(totals))

    def municipalities_with_pages(self, mentions: list[Mention] | None = None,
                                  ) -> list[Municipality]:
        names = {e.municipality.name for e in self.evaluations}
        names |= {m.municipality for m in (self.mentions() if mentions is None else mentions)}
        return sorted((self.by_name[n] for n in names), key=lambda m: m.name)

    # --- edits -----------------------------------------------------------------
    def edit_text(self, slug: str) -> None:
        """A text-only edit: one more sentence in area 1's introduction."""
        self.by_slug[slug].text_edits += 1
        self._averages.clear()

    def edit_score(self, slug: str) -> str:
        """Change one criterion's points by one (and back on the next call).

        The criterion is the first of an area not split over two files, so the
        edit touches one file (with the area's :stated:, which follows it)."""
        ev = self.by_slug[slug]
        assert ev.points is not None
        area = next(a for a in self.catalogue.areas[3:] + self.catalogue.areas[:3]
                    if a.id != ev.split_area)
        crit = area.criteria[0]
        original = self._original.setdefault((slug, crit.id), ev.points[crit.id])
        if ev.points[crit.id] != original:
            ev.points[crit.id] = original
        else:
            ev.points[crit.id] = original + 1 if original < crit.max else original - 1
        ev.areas = area_totals(self.catalogue, ev.points)
        ev.total = sum(ev.areas.values())
        self._averages.clear()
        return crit.id

    # --- the report's text -------------------------------------------------------
    def report_texts(self, ev: Evaluation) -> dict[str, str]:
        """The report's Markdown files with backtick fences (colon fences come later)."""
        key = (ev.text_edits, tuple(sorted((ev.points or {}).items())))
        cached = self._texts.get(ev.slug)
        if cached is None or cached[0] != key:
            cached = key, self._report_texts(ev)
            self._texts[ev.slug] = cached
        return dict(cached[1])

    def _report_texts(self, ev: Evaluation) -> dict[str, str]:
        files: dict[str, str] = {}
        for name, text in self.template.items():
            text = self._retarget(ev, text)
            text = _FENCE.sub(lambda m: self._directive(ev, m), text)
            if not self.citations:
                text = re.sub(r' ?\{cite:p\}`[^`]+`', '', text)
                text = text.split('\n## Källor\n')[0].rstrip('\n') + '\n'
            if name == 'omrade-1.md' and ev.text_edits:
                text = re.sub(r'(## Allmänt\n\n[^\n]+)', lambda m: m[1] + ''.join(
                    f' Tillägg {i}: utvärderarna har kompletterat texten efter ett samtal.'
                    for i in range(1, ev.text_edits + 1)), text, count=1)
            files[name] = text
        if ev.split_area is not None:
            first, second = _split(files[f'omrade-{ev.split_area}.md'], ev.split_area,
                                   self.catalogue)
            files[f'omrade-{ev.split_area}.md'] = first
            files[f'omrade-{ev.split_area}-forts.md'] = second
            files['index.md'] = files['index.md'].replace(
                f'\nomrade-{ev.split_area}\n',
                f'\nomrade-{ev.split_area}\nomrade-{ev.split_area}-forts\n')
        return files

    def _retarget(self, ev: Evaluation, text: str) -> str:
        """Karlskrona's names, good examples and citation keys made this evaluation's."""
        name, official = ev.municipality.name, ev.municipality.official

        def role(m: re.Match[str]) -> str:
            shown, target, criterion = m[1], m[2], m[3] or ''
            named = target or shown
            if named == 'Karlskrona':
                new = ev.municipality
                shown = shown.replace('Karlskrona', name)
            else:
                new = ev.examples.get(named, self.by_name.get(named, ev.municipality))
                shown = new.official if target else new.name
            return f'{{good-example}}`{shown} <{new.name}{criterion}>`' if target \
                else f'{{good-example}}`{shown}`'

        text = _ROLE.sub(role, text)
        text = text.replace('Karlskrona kommun', official).replace('Karlskrona', name)
        return re.sub(r'\bkarlskrona-', f'{ev.slug}-', text)

    def _directive(self, ev: Evaluation, m: re.Match[str]) -> str:
        kind, arg = m[1], m[2].strip()
        assert ev.points is not None and ev.areas is not None
        if kind == 'evaluation':
            lines = [f':municipality: {ev.municipality.name}', f':year: {ev.year}',
                     f':date: {ev.date}', f':criteria: {self.catalogue.id}',
                     f':evaluators: {", ".join(ev.evaluators)}']
            if ev.previous:
                lines.append(f':previous: {ev.previous}')
            lines.append(':status: final')
            return '```{evaluation}\n' + '\n'.join(lines) + '\n```'
        if kind == 'area':
            stated = f':stated: {ev.areas[arg]}\n' if arg in ev.stated else ''
            return f'```{{area}} {arg}\n{stated}```'
        if kind == 'score':
            motivation = f'\n{MOTIVATION}\n' if arg.endswith('.1') else ''
            return f'```{{score}} {arg}\n:points: {ev.points[arg]}\n{motivation}```'
        return m[0]

    def bib_text(self, ev: Evaluation) -> str:
        return self.bib.replace('karlskrona-', f'{ev.slug}-').replace(
            'Karlskrona kommun', ev.municipality.official)

    def kompass_files(self) -> dict[str, str]:
        """Every generated file of the kompass side, by path."""
        files: dict[str, str] = {}
        for ev in self.reports():
            for name, text in self.report_texts(ev).items():
                files[f'reports/{ev.slug}/{name}'] = to_colon(text) if ev.colon else text
            if self.citations:
                files[f'reports/{ev.slug}/kallor.bib'] = self.bib_text(ev)
        files['reports/scores.csv'] = self.scores_csv()
        files['reports/published-averages.csv'] = (
            PROJECT / 'reports' / 'published-averages.csv').read_text(encoding='utf-8')
        return files

    def scores_csv(self) -> str:
        crits = [c.id for a in self.catalogue.areas for c in a.criteria]
        areas = [a.id for a in self.catalogue.areas]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\n')
        writer.writerow(['slug', 'municipality', 'year', 'date', 'criteria', 'source',
                         *crits, *areas, 'total'])
        for ev in self.rows():
            writer.writerow([
                ev.slug, ev.municipality.name, ev.year, ev.date, self.catalogue.id, ev.source,
                *(ev.points[c] if ev.points else '' for c in crits),
                *(ev.areas[a] if ev.areas else '' for a in areas),
                ev.total if ev.total is not None else '',
            ])
        return out.getvalue()

    # --- good examples ---------------------------------------------------------------
    def mentions(self) -> list[Mention]:
        """Every good example, with the criterion of its section and its sentence."""
        found: list[Mention] = []
        for ev in self.reports():
            for name, text in sorted(self.report_texts(ev).items()):
                docname = f'reports/{ev.slug}/{name.removesuffix(".md")}'
                found += mentions_in(ev.slug, docname, text)
        return found


def mentions_in(slug: str, docname: str, text: str) -> list[Mention]:
    """The good examples of one document, numbered in order."""
    found: list[Mention] = []
    for section in re.split(r'^(?=#{1,6} )', text, flags=re.M):
        scored = re.search(r'^```\{score\} ([\d.]+)', section, re.M)
        for paragraph in section.split('\n\n'):
            for m in _ROLE.finditer(paragraph):
                criterion = (m[3] or '').lstrip('#') or (scored[1] if scored else '')
                found.append(Mention(slug, docname, len(found), m[2] or m[1], criterion,
                                     sentence_of(paragraph, m.start())))
    return found


def sentence_of(paragraph: str, at: int) -> str:
    """The sentence around position *at*, with roles shown as their text."""
    starts = [0] + [m.end() for m in re.finditer(r'[.!?]\s+(?=[A-ZÅÄÖ{])', paragraph)]
    start = max(s for s in starts if s <= at)
    end = next((s for s in starts if s > at), len(paragraph))
    return plain_text(paragraph[start:end]).strip()


def plain_text(text: str) -> str:
    text = _ROLE.sub(lambda m: m[1], text)
    text = re.sub(r' ?\{cite:p\}`[^`]+`', '', text)
    return text.replace('*', '')


def to_colon(text: str) -> str:
    """Backtick directive fences as colon fences (FORMAT.md: they work the same)."""
    return re.sub(r'^```', ':::', text, flags=re.M)


def _split(text: str, area_id: str, catalogue: Catalogue) -> tuple[str, str]:
    """An area's file in two: the second from the heading of its middle criterion."""
    area = next(a for a in catalogue.areas if a.id == area_id)
    middle = area.criteria[len(area.criteria) // 2]
    score = text.index(f'```{{score}} {middle.id}\n')
    heading = text.rindex('\n## ', 0, score) + 1
    title = f'# Område {area.id} {area.title} (fortsättning)\n\n'
    return text[:heading].rstrip('\n') + '\n', title + text[heading:]


def write_tree(root: Path, files: dict[str, str | bytes]) -> list[str]:
    """Write *files* under *root*, leaving files whose content is unchanged alone
    (so their mtimes stay, as an editor's save of one file would); returns what changed."""
    changed = []
    for rel, content in sorted(files.items()):
        path = root / rel
        data = content.encode('utf-8') if isinstance(content, str) else content
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed.append(rel)
    return changed

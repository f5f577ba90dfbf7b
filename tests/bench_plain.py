"""The benchmark's plain baseline: the corpus as plain MyST, no kompass extension.

The same text as the kompass side, with what the extension computes written
out: the header, area boxes, points, strengths/improvements side by side and
the overview as Markdown tables; charts as pre-made SVG (HTML) and PDF (LaTeX)
files in figure directives; good examples and citations as ordinary
cross-references; the evaluation index, good examples, criteria and
municipality indexes as tables; and one Markdown page per municipality where
the extension generates an HTML page. Built by Sphinx with myst-parser only,
with the same theme and settings, so it writes the same pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench_charts import Series, bar_chart, to_pdf, to_svg
from bench_corpus import (
    _FENCE,
    _ROLE,
    PROJECT,
    SINCE,
    Corpus,
    Evaluation,
    Mention,
    mentions_in,
)

#: The project's own conf.py (theme, templates, Swedish labels, LaTeX), less the
#: kompass extension: the baseline differs from the project only by it.
CONF = (PROJECT / 'conf.py').read_text(encoding='utf-8') + '''

# --- plain baseline of the kompass benchmark: no kompass extension ----------
extensions = ['myst_parser']
latex_documents = [
    ('index', 'kommunkompassen.tex', 'Kommunkompassen', author, 'manual'),
'''


def cell(text: object) -> str:
    """Text safe inside a pipe-table cell."""
    return str(text).replace('|', '\\|').replace('\n', ' ')


def table(head: list[str], rows: list[list[object]], title: str = '') -> str:
    lines = ['| ' + ' | '.join(cell(h) for h in head) + ' |',
             '|' + '---|' * len(head)]
    lines += ['| ' + ' | '.join(cell(c) for c in row) + ' |' for row in rows]
    body = '\n'.join(lines)
    return f'```{{table}} {title}\n{body}\n```' if title else body


def number(value: float | None) -> str:
    if value is None:
        return '–'
    return str(int(value)) if float(value).is_integer() else f'{value:.1f}'.replace('.', ',')


def doc_link(text: str, docname: str) -> str:
    return f'{{doc}}`{text} </{docname}>`'


class PlainWriter:
    """Writes a :class:`Corpus` as a plain MyST project."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.cat = corpus.catalogue

    def page_of(self, name: str) -> str:
        """A municipality's page (by its register slug: Håbo's is haabo)."""
        return f'kommuner/{self.corpus.by_name[name].slug}'

    def files(self) -> dict[str, str | bytes]:
        files: dict[str, str | bytes] = {'conf.py': self.conf()}
        mentions = self.corpus.mentions()
        self.pages = self.corpus.municipalities_with_pages(mentions)
        self.evaluations_of: dict[str, list[Evaluation]] = {}
        for ev in self.corpus.evaluations:
            self.evaluations_of.setdefault(ev.municipality.name, []).append(ev)
        self.mentions_of: dict[str, list[Mention]] = {}
        for m in mentions:
            self.mentions_of.setdefault(m.municipality, []).append(m)
        for ev in self.corpus.reports():
            files.update(self.report(ev))
        files.update(self.site_pages(mentions))
        for muni in self.pages:
            files.update(self.municipality_page(muni.name))
        for area in self.cat.areas:
            for crit in area.criteria:
                files.update(self.criterion_page(area, crit))
        return files

    def criterion_page(self, area: Any, crit: Any) -> dict[str, str | bytes]:
        """A criterion's page: every evaluation's points, highest first, and a
        pre-made chart of them (what the project generates per criterion)."""
        page = f'kriterier/{self.cat.id}/{crit.id.replace(".", "-")}'
        scored = sorted(((ev.points[crit.id], ev) for ev in self.corpus.evaluations
                         if ev.points and crit.id in ev.points),
                        key=lambda pair: (-pair[0], pair[1].slug))
        rows: list[list[object]] = [
            [ev.municipality.name,
             doc_link(ev.label, f'reports/{ev.slug}/index') if ev.report else ev.label,
             f'{value} / {crit.max}'] for value, ev in scored]
        title = f'{crit.id} {crit.title}'
        series = [Series('Poäng', [value for value, _ev in scored])]
        groups = [ev.label for _value, ev in scored]
        shapes = bar_chart(title, groups, series, crit.max)
        slug = crit.id.replace('.', '-')
        out = ['---\norphan: true\n---\n', f'# Delområde {crit.id} {crit.title}\n',
               f'Delområde i område {area.id} {area.title}. Högst {crit.max} poäng.\n',
               table(['Kommun', 'Utvärdering', 'Poäng'], rows) if rows else '',
               f'```{{figure}} {slug}-fordelning.*\n:alt: {alt_text(title, groups, series)}'
               '\n\nFördelning.\n```\n']
        return {f'{page}.md': '\n'.join(out),
                f'{page}-fordelning.svg': to_svg(shapes, alt_text(title, groups, series)),
                f'{page}-fordelning.pdf': to_pdf(shapes)}

    def conf(self) -> str:
        lines = [CONF]
        for ev in self.corpus.reports():
            lines.append(f'    ({f"reports/{ev.slug}/index"!r}, {f"{ev.slug}.tex"!r}, '
                         f'{f"Analys av {ev.municipality.official}"!r}, '
                         f'{", ".join(ev.evaluators)!r}, \'manual\'),\n')
        lines.append(']\n')
        return ''.join(lines)

    # --- a report ------------------------------------------------------------------
    def report(self, ev: Evaluation) -> dict[str, str | bytes]:
        folder = f'reports/{ev.slug}'
        files: dict[str, str | bytes] = {}
        keys = sorted(re.findall(r'^@\w+\{([^,]+),', self.corpus.bib_text(ev), re.M)
                      if self.corpus.citations else [])
        numbers = {key: i for i, key in enumerate(keys, start=1)}
        for name, text in self.corpus.report_texts(ev).items():
            docname = f'{folder}/{name.removesuffix(".md")}'
            files[f'{folder}/{name}'] = self.convert(ev, docname, text, numbers)
        files.update(self.report_charts(ev))
        return files

    def convert(self, ev: Evaluation, docname: str, text: str,
                numbers: dict[str, int]) -> str:
        """A kompass document as plain MyST: directives and roles written out."""
        text = re.sub(
            r'```\{strengths\}\n(.*?)```\n\n```\{improvements\}\n(.*?)```',
            lambda m: self.side_by_side(m[1], m[2]), text, flags=re.S)
        labels = iter(mentions_in(ev.slug, docname, text))
        text = _FENCE.sub(lambda m: self.directive(ev, docname, m), text)
        paragraphs = []
        for paragraph in text.split('\n\n'):
            found = list(_ROLE.finditer(paragraph))
            targets = ''.join(f'({self.mention_label(next(labels))})=\n' for _ in found)
            paragraphs.append(targets + paragraph)
        text = '\n\n'.join(paragraphs)
        text = _ROLE.sub(lambda m: doc_link(m[1], self.page_of(m[2] or m[1])), text)
        return re.sub(r'\{cite:p\}`([^`]+)`',
                      lambda m: f'[{{ref}}`{numbers[m[1]]} <kallor-{ev.slug}>`]', text)

    @staticmethod
    def mention_label(m: Mention) -> str:
        return f'exempel-{m.docname.replace("/", "-")}-{m.index}'

    def side_by_side(self, strengths: str, improvements: str) -> str:
        left = [line[2:] for line in strengths.splitlines() if line.startswith('- ')]
        right = [line[2:] for line in improvements.splitlines() if line.startswith('- ')]
        rows: list[list[object]] = [
            [left[i] if i < len(left) else '', right[i] if i < len(right) else '']
            for i in range(max(len(left), len(right)))
        ]
        return table(['Styrkor', 'Förbättringsmöjligheter'], rows)

    def directive(self, ev: Evaluation, docname: str, m: re.Match[str]) -> str:
        kind, arg, body = m[1], m[2].strip(), m[3]
        assert ev.points is not None and ev.areas is not None and ev.total is not None
        if kind == 'evaluation':
            rows: list[list[object]] = [
                ['Datum', ev.date], ['Utvärderare', ', '.join(ev.evaluators)],
                ['Kriterier', self.cat.title],
                ['Totalpoäng', f'**{ev.total} / {self.cat.max}**'],
            ]
            if ev.previous:
                prev = self.corpus.by_slug[ev.previous]
                text = prev.label + (f' (totalt {prev.total})' if prev.total is not None else '')
                rows.append(['Föregående utvärdering', doc_link(text, f'reports/{prev.slug}/index')
                             if prev.report else text])
            return table(['Kommun', ev.municipality.name], rows)
        if kind == 'area':
            area = next(a for a in self.cat.areas if a.id == arg)
            rows = [[c.title, ''] for c in area.criteria]
            rows.append(['**Summa**', f'**{ev.areas[arg]}**'])
            return table(['Rubriker', f'Poäng (max {area.max})'], rows,
                         title=f'Område {area.id} {area.title}')
        if kind == 'score':
            crit = self.cat.criterion(arg)
            motivation = body.split('\n', 1)[1].strip() if '\n' in body else ''
            para = (f'({self.score_label(ev, arg)})=\n'
                    f'**Poäng {arg}:** {ev.points[arg]} / {crit.max}')
            return para + (f'\n\n{motivation}' if motivation else '')
        if kind == 'score-chart':
            return self.figure(ev, arg or body.split(':kind:')[1].split()[0])
        if kind == 'score-overview':
            return self.overview(ev)
        if kind == 'bibliography':
            return self.bibliography(ev)
        return m[0]

    @staticmethod
    def score_label(ev: Evaluation, criterion: str) -> str:
        return f'poang-{ev.slug}-{criterion.replace(".", "-")}'

    def overview(self, ev: Evaluation) -> str:
        assert ev.points is not None and ev.areas is not None
        out = []
        for area in self.cat.areas:
            rows: list[list[object]] = [
                [f'{{ref}}`{c.id} {c.title} <{self.score_label(ev, c.id)}>`',
                 ev.points[c.id], c.max] for c in area.criteria]
            rows.append(['**Summa**', f'**{ev.areas[area.id]}**', f'**{area.max}**'])
            out.append(table([f'{area.id}. {area.title}', 'Uppnått', 'Max'], rows))
        rows = [[f'{a.id}. {a.title}', ev.areas[a.id], a.max] for a in self.cat.areas]
        rows.append(['**Totalt**', f'**{ev.total}**', f'**{self.cat.max}**'])
        out.append(table(['Område', 'Uppnått', 'Max'], rows))
        return '\n\n'.join(out)

    def bibliography(self, ev: Evaluation) -> str:
        entries = re.findall(r'^@\w+\{([^,]+),\n(.*?)^\}', self.corpus.bib_text(ev), re.M | re.S)
        lines = [f'(kallor-{ev.slug})=']
        for i, (_key, body) in enumerate(sorted(entries), start=1):
            fields = dict(re.findall(r'^\s*(\w+) = \{+(.*?)\}+,?$', body, re.M))
            lines.append(f'{i}. {fields.get("author", "")}. *{fields.get("title", "")}*. '
                         f'{fields.get("year", "")} {fields.get("note", "")}'.rstrip())
        return '\n'.join(lines)

    # --- charts --------------------------------------------------------------------------
    def series(self, ev: Evaluation, label: str) -> Series:
        return Series(label, [ev.areas[a.id] if ev.areas else None for a in self.cat.areas])

    def profile(self, ev: Evaluation) -> tuple[list[Series], str]:
        series = [self.series(ev, ev.label)]
        notes = []
        if ev.previous:
            series.append(self.series(self.corpus.by_slug[ev.previous],
                                      self.corpus.by_slug[ev.previous].label))
        else:
            notes.append('Ingen tidigare utvärdering finns i underlaget.')
        avg = self.corpus.average(ev.sort_date)
        if avg.areas is not None:
            series.append(Series(f'Genomsnitt sedan {SINCE[:4]} ({avg.n_areas} utv.)',
                                 [avg.areas[a.id] for a in self.cat.areas]))
        else:
            notes.append('Underlaget är för litet för ett beräknat genomsnitt.')
        notes.append(f'Genomsnittet avser utvärderingar med samma kriterier från {SINCE} till '
                     f'och med {ev.sort_date}: {avg.n_areas} med områdespoäng, '
                     f'{avg.n_total} med totalpoäng.')
        caption = (f'{ev.label} jämfört med ett genomsnitt av alla utvärderingar sedan '
                   f'{SINCE[:4]} och senaste utvärderingen. ' + ' '.join(notes))
        return series, caption

    def report_charts(self, ev: Evaluation) -> dict[str, str | bytes]:
        groups = [a.short for a in self.cat.areas]
        files: dict[str, str | bytes] = {}
        charts = {
            'areas': (f'{ev.label}: totalpoäng {ev.total} av {self.cat.max}',
                      [self.series(ev, ev.label)]),
            'profile': (f'{ev.label} jämfört med genomsnitt', self.profile(ev)[0]),
        }
        for kind, (title, series) in charts.items():
            shapes = bar_chart(title, groups, series, 100)
            stem = f'reports/{ev.slug}/diagram-{kind}'
            files[stem + '.svg'] = to_svg(shapes, alt_text(title, groups, series))
            files[stem + '.pdf'] = to_pdf(shapes)
        return files

    def figure(self, ev: Evaluation, kind: str) -> str:
        groups = [a.short for a in self.cat.areas]
        if kind == 'areas':
            title = f'{ev.label}: totalpoäng {ev.total} av {self.cat.max}'
            series = [self.series(ev, ev.label)]
            caption = f'Poäng per område för {ev.label} (högst 100 per område).'
        else:
            title = f'{ev.label} jämfört med genomsnitt'
            series, caption = self.profile(ev)
        return (f'```{{figure}} diagram-{kind}.*\n:alt: {alt_text(title, groups, series)}\n\n'
                f'{caption}\n```')

    # --- site pages ---------------------------------------------------------------------
    def site_pages(self, mentions: list[Mention]) -> dict[str, str | bytes]:
        """The site's own pages with their computed views written out: the
        same tables (and a pre-made chart) where the project has a directive."""
        written = {
            'index.md': [('```{score-chart}\n:kind: totals\n```', self.totals_figure()),
                         ('```{evaluation-index}\n```', self.evaluation_index())],
            'kriterier.md': [('```{criteria-catalogue}\n```', self.catalogue_tables())],
            'goda-exempel.md': [('```{good-examples}\n```', self.good_examples(mentions))],
            'kommuner.md': [('```{municipality-index}\n```',
                             self.municipality_index(mentions))],
            # The comparison's fallback table, and the calibration's per-criterion table.
            'jamfor.md': [('```{compare-evaluations}\n```', self.evaluation_index())],
            'kalibrering.md': [('```{calibration}\n```', self.catalogue_tables())],
        }
        pages: dict[str, str | bytes] = {}
        for name, blocks in written.items():
            if not (PROJECT / name).is_file():
                continue
            text = (PROJECT / name).read_text(encoding='utf-8')
            for block, replacement in blocks:
                assert block in text, (name, block)
                text = text.replace(block, replacement)
            pages[name] = text
        pages.update(self.totals_chart())
        return pages

    def _totals(self) -> tuple[list[str], list[float | None]]:
        by_year: dict[str, list[int]] = {}
        for ev in self.corpus.evaluations:
            if ev.total is not None:
                by_year.setdefault(str(ev.year), []).append(ev.total)
        years = sorted(by_year)
        return years, [sum(by_year[y]) / len(by_year[y]) for y in years]

    def totals_chart(self) -> dict[str, str | bytes]:
        """The front page's chart of every total, as a pre-made image."""
        years, means = self._totals()
        series = [Series('Medel', means)]
        shapes = bar_chart('Totalpoäng år för år', years, series, self.cat.max)
        return {'diagram-totals.svg': to_svg(shapes, alt_text('Totalpoäng', years, series)),
                'diagram-totals.pdf': to_pdf(shapes)}

    def totals_figure(self) -> str:
        years, means = self._totals()
        alt = alt_text('Totalpoäng', years, [Series('Medel', means)])
        return f'```{{figure}} diagram-totals.*\n:alt: {alt}\n\nTotalpoäng år för år.\n```'

    def evaluation_index(self) -> str:
        head = ['Kommun', 'Datum', 'Kriterier', *(a.id for a in self.cat.areas), 'Totalt',
                'Källa']
        rows: list[list[object]] = []
        for ev in sorted(self.corpus.evaluations,
                         key=lambda e: (e.municipality.name, e.sort_date, e.slug)):
            name = (doc_link(ev.municipality.name, f'reports/{ev.slug}/index') if ev.report
                    else ev.municipality.name)
            rows.append([name, ev.date or ev.year, self.cat.id,
                         *(ev.areas[a.id] if ev.areas else '–' for a in self.cat.areas),
                         '–' if ev.total is None else ev.total,
                         'rapport' if ev.report else ev.source])
        return table(head, rows)

    def catalogue_tables(self) -> str:
        rows: list[list[object]] = []
        for area in self.cat.areas:
            rows.append([f'**{area.id}. {area.title}**', f'**{area.max}**'])
            rows += [[f'{c.id} {c.title}', c.max] for c in area.criteria]
        rows.append(['**Totalt**', f'**{self.cat.max}**'])
        return table(['Område och delområde', 'Max'], rows,
                     title=f'{self.cat.title} ({self.cat.id})')

    def good_examples(self, mentions: list[Mention]) -> str:
        by_criterion: dict[str, list[Mention]] = {}
        for m in mentions:
            by_criterion.setdefault(m.criterion, []).append(m)
        out = []
        for area in self.cat.areas:
            rows: list[list[object]] = []
            for crit in area.criteria:
                for m in sorted(by_criterion.get(crit.id, []),
                                key=lambda m: (m.municipality, m.slug, m.docname, m.index)):
                    rows.append([f'{crit.id} {crit.title}', doc_link(m.municipality,
                                                                     self.page_of(m.municipality)),
                                 f'{{ref}}`{self.corpus.by_slug[m.slug].label} '
                                 f'<{self.mention_label(m)}>`', m.sentence])
            if rows:
                out.append(table(['Delområde', 'Kommun', 'Utvärdering', 'Meningen'], rows,
                                 title=f'Område {area.id} {area.title}'))
        return '\n\n'.join(out)

    def municipality_index(self, mentions: list[Mention]) -> str:
        rows: list[list[object]] = []
        for muni in self.pages:
            rows.append([doc_link(muni.name, self.page_of(muni.name)), muni.county, muni.code,
                         len(self.evaluations_of.get(muni.name, [])),
                         len(self.mentions_of.get(muni.name, []))])
        return table(['Kommun', 'Län', 'Kommunkod', 'Utvärderingar', 'Goda exempel'], rows)

    def municipality_page(self, name: str) -> dict[str, str | bytes]:
        muni = self.corpus.by_name[name]
        page = self.page_of(name)
        out = ['---\norphan: true\n---\n', f'# {name} kommun\n',
               f'{muni.county}, kommunkod {muni.code}.\n', '```{rubric} Utvärderingar\n```\n']
        evaluations = self.evaluations_of.get(name, [])
        files: dict[str, str | bytes] = {}
        if evaluations:
            rows: list[list[object]] = [[
                doc_link(e.label, f'reports/{e.slug}/index') if e.report else e.label,
                e.date or e.year, self.cat.title,
                '–' if e.total is None else f'{e.total} / {self.cat.max}',
                'rapport' if e.report else e.source] for e in evaluations]
            out.append(table(['Utvärdering', 'Datum', 'Kriterier', 'Totalt', 'Källa'], rows))
            if len(evaluations) >= 2:
                title = f'{name} över tid'
                series = [Series('Totalt', [e.total / 8 if e.total is not None else None
                                            for e in evaluations])]
                groups = [str(e.year) for e in evaluations]
                shapes = bar_chart(title, groups, series, 100)
                files[f'{page}-trend.svg'] = to_svg(shapes, alt_text(title, groups, series))
                files[f'{page}-trend.pdf'] = to_pdf(shapes)
                out.append(f'```{{figure}} {muni.slug}-trend.*\n'
                           f':alt: {alt_text(title, groups, series)}\n\n'
                           f'Område och totalpoäng för {name}, utvärdering för utvärdering.\n```')
        else:
            out.append('Inga utvärderingar i underlaget.')
        out.append('\n```{rubric} Nämnd som gott exempel\n```\n')
        own = self.mentions_of.get(name, [])
        if own:
            out.append(table(['Delområde', 'Utvärdering', 'Länk', 'Meningen'], [[
                f'{m.criterion} {self.cat.criterion(m.criterion).title}',
                doc_link(self.corpus.by_slug[m.slug].label, f'reports/{m.slug}/index'),
                f'{{ref}}`Till meningen <{self.mention_label(m)}>`', m.sentence]
                for m in sorted(own, key=lambda m: (m.criterion, m.slug, m.docname, m.index))]))
        else:
            out.append('Inte nämnd som gott exempel i någon rapport.')
        files[f'{page}.md'] = '\n'.join(out) + '\n'
        return files


def alt_text(title: str, groups: list[str], series: list[Series]) -> str:
    parts = [title + '.']
    for one in series:
        values = '; '.join(f'{g} {number(v)}' for g, v in zip(groups, one.values, strict=True))
        parts.append(f'{one.label}: {values}.')
    return ' '.join(parts)


def write_static(root: Path) -> None:
    """The files of the plain project that never change: the site's static files."""
    import shutil
    for folder in ('_static', '_templates', 'locales'):
        shutil.copytree(PROJECT / folder, root / folder, dirs_exist_ok=True)

"""``make scores``: every evaluation as JSON and CSV, for review and reuse.

A Sphinx builder (``-b scores``), so the export comes from the same checked
and computed data as the site. The output is byte-identical for the same
sources: sorted keys, no timestamps, paths relative to the source folder.
Its shape is documented in ``scores.schema.json`` beside this module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders import Builder

from .calibration import calibrate, to_data
from .calibrationview import DEFAULT_SMALL_SAMPLE, small_sample
from .catalogue import Catalogue
from .domain import KompassDomain, get_domain
from .scoring import find_folder

if TYPE_CHECKING:
    from collections.abc import Iterator, Set

    from docutils import nodes
    from sphinx.application import Sphinx

    from .domain import Example

SCHEMA = Path(__file__).parent / 'scores.schema.json'

#: What makes a spreadsheet read a cell as a formula (or a DDE command).
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')
_NUMBER = re.compile(r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?', re.ASCII)


def _file(srcdir: Path, docname: str, doc2path: Any) -> str:
    return Path(doc2path(docname)).relative_to(srcdir).as_posix()


def _criterion_max(catalogue: Catalogue | None, cid: str) -> int | None:
    found = catalogue.criterion(cid) if catalogue else None
    return found[1].max if found else None


def _area_max(catalogue: Catalogue | None, aid: str) -> int | None:
    area = catalogue.area(aid) if catalogue else None
    return area.max if area else None


def export_data(domain: KompassDomain, srcdir: Path, doc2path: Any,
                version: str, small: int = DEFAULT_SMALL_SAMPLE) -> dict[str, Any]:
    """The export as plain data (also what ``make diff`` compares); *small* is
    ``kompass_small_sample``, for the calibration section."""
    register = domain.register
    results = {r.slug: r for r in domain.results.values()}
    data_path = Path(domain.inputs.score_data_path)
    data_file = (
        data_path.relative_to(srcdir).as_posix()
        if data_path.is_relative_to(srcdir) else data_path.as_posix()
    )
    rows = {row.slug: row for row in domain.inputs.score_data.rows}
    # Grouped once, not searched per evaluation (quadratic at 1000 evaluations).
    stated_by_folder: dict[str | None, dict[str, int]] = {}
    for box in domain.areas():
        if box.stated is not None:
            folder = find_folder(box.docname, domain.results)
            stated_by_folder.setdefault(folder, {})[box.area] = box.stated
    examples_by_slug: dict[str, list[Example]] = {}
    for e in sorted(domain.examples, key=lambda e: (e.mention.docname, e.mention.line)):
        examples_by_slug.setdefault(e.slug, []).append(e)
    evaluations = []
    for slug, summary in sorted(domain.summaries.items()):
        catalogue = domain.catalogues.get(summary.criteria)
        found = register.find(summary.municipality) if register else None
        entry: dict[str, Any] = {
            'slug': slug,
            'municipality': summary.municipality,
            'municipality_code': found.code if found else None,
            'year': summary.year,
            'date': summary.date,
            'criteria': summary.criteria,
            'criteria_max': catalogue.max if catalogue else None,
        }
        result = results.get(slug)
        if result is not None:
            rec = result.record
            scores = {
                cid: {
                    'points': score.points,
                    'max': _criterion_max(catalogue, cid),
                    'file': _file(srcdir, score.docname, doc2path),
                    'line': score.line,
                }
                for cid, score in result.points.items()
            }
            stated = stated_by_folder.get(rec.folder, {})
            entry.update({
                'kind': 'report',
                'status': rec.status,
                'evaluators': list(rec.evaluators),
                'previous': rec.previous,
                'file': _file(srcdir, rec.docname, doc2path),
                'line': rec.line,
                'criterion_points': scores,
                'areas': {
                    a.id: {'points': result.area_totals.get(a.id, 0), 'max': a.max,
                           'stated': stated.get(a.id)}
                    for a in (catalogue.areas if catalogue else ())
                },
                'total': result.total,
                'unscored': list(result.unscored),
            })
        else:
            row = rows[slug]
            entry.update({
                'kind': 'data',
                'status': 'final',
                'source': row.source,
                'file': data_file,
                'line': row.line,
                'criterion_points': {
                    cid: {'points': p, 'max': _criterion_max(catalogue, cid),
                          'file': data_file, 'line': row.line}
                    for cid, p in row.points.items()
                },
                'areas': {
                    aid: {'points': p, 'max': _area_max(catalogue, aid), 'stated': None}
                    for aid, p in row.areas.items()
                },
                'total': row.total,
                'unscored': [],
            })
        entry['good_examples'] = [
            {
                'municipality': e.mention.municipality,
                'municipality_code': e.mention.code,
                'criterion': e.mention.criterion,
                'file': _file(srcdir, e.mention.docname, doc2path),
                'line': e.mention.line,
                'sentence': e.mention.sentence,
            }
            for e in examples_by_slug.get(slug, ())
        ]
        evaluations.append(entry)
    evaluators = {r.slug: r.record.evaluators for r in domain.results.values()}
    return {
        'tool': {'name': 'kompass', 'version': version},
        'evaluations': evaluations,
        # The calibration page's figures (calibration.py).
        'calibration': to_data(calibrate(domain.summaries, domain.catalogues, evaluators,
                                         small)),
    }


def to_json(data: dict[str, Any]) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8 as is."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + '\n'


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as the value, never runs as a formula.

    Text from a report or ``scores.csv`` that starts like a formula (``=``,
    ``+``, ``-``, ``@``, tab, CR) gets an apostrophe in front, as OWASP
    recommends; numbers, negative ones too, stay numbers.
    """
    if value is None:
        return ''
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(data: dict[str, Any], domain: KompassDomain) -> str:
    """One row per evaluation: metadata, criterion points, areas, total; every
    cell through :func:`csv_cell`."""
    criteria: list[str] = []
    areas: list[str] = []
    for _cid, catalogue in sorted(domain.catalogues.items()):
        for area in catalogue.areas:
            if area.id not in areas:
                areas.append(area.id)
            criteria.extend(c.id for c in area.criteria if c.id not in criteria)
    # The score columns are named as in reports/scores.csv (FORMAT.md).
    head = ['slug', 'municipality', 'municipality_code', 'year', 'date', 'criteria',
            'kind', 'status', *criteria, *areas, 'total']
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow([csv_cell(name) for name in head])
    for e in data['evaluations']:
        writer.writerow([csv_cell(cell) for cell in (
            e['slug'], e['municipality'], e['municipality_code'] or '', e['year'] or '',
            e['date'] or '', e['criteria'], e['kind'], e['status'],
            *(e['criterion_points'].get(c, {}).get('points', '') for c in criteria),
            *(e['areas'].get(a, {}).get('points', '') for a in areas),
            e['total'],
        )])
    return out.getvalue()


class ScoresBuilder(Builder):
    """Writes ``scores.json``, ``scores.csv`` and the JSON Schema."""

    name = 'scores'
    format = 'scores'
    epilog = 'The score export is in %(outdir)s.'
    allow_parallel = True

    def get_outdated_docs(self) -> Iterator[str]:
        return iter(())  # the export is written whole in finish()

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ''

    def prepare_writing(self, docnames: Set[str]) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    def finish(self) -> None:
        from . import __version__

        domain = get_domain(self.env)
        data = export_data(domain, Path(self.srcdir), self.env.doc2path, __version__,
                           small_sample(self.config))
        outdir = Path(self.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / 'scores.json').write_text(to_json(data), encoding='utf-8')
        (outdir / 'scores.csv').write_text(to_csv(data, domain), encoding='utf-8')
        shutil.copyfile(SCHEMA, outdir / SCHEMA.name)


def setup_export(app: Sphinx) -> None:
    """Register the ``scores`` builder."""
    app.add_builder(ScoresBuilder)

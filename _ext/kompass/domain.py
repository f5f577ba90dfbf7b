"""Cross-document data: the records of every document, and what they add up to.

The domain follows ``sphinx.ext.todo``'s and sphinxcontrib-bibtex's pattern:
per-document records that ``clear_doc`` purges and ``merge_domaindata`` merges
for exactly the documents a parallel reader read; derived results rebuilt from
scratch after reading (``env-updated``), which also tells Sphinx which other
pages show a changed total and so must be written again.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sphinx.domains import Domain

from . import logs
from .catalogue import Catalogue, load_catalogues
from .comparison import Summary, summaries
from .records import AreaRecord, EvaluationRecord, ScoreRecord
from .register import BUNDLED, Register, load_register, unknown_message
from .scoredata import (
    PublishedAverage,
    ScoreData,
    load_published_averages,
    load_score_data,
)
from .scoring import EvaluationResult, compute, find_folder, orphan

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .examples import MentionRecord

#: Scopes of pages that show computed data.
EVALUATION_SCOPE = 'evaluation'  # shows its own evaluation (boxes, overview)
SITE_SCOPE = 'site'  # shows every evaluation (indexes)

_PER_DOC = (
    'evaluations', 'scores', 'areas', 'overviews', 'mentions', 'problems', 'aggregates',
)


class Example(NamedTuple):
    """A good-example mention, placed in its evaluation and catalogue."""

    mention: MentionRecord
    #: Slug and index document of the evaluation that made it.
    slug: str
    report_docname: str
    #: The evaluation's catalogue, and the criterion's area and title.
    catalogue: str
    area: str
    criterion_title: str


class KompassDomain(Domain):
    """Holds every evaluation, score and area box, keyed by document."""

    name = 'kompass'
    label = 'Kommunkompassen'
    data_version = 1
    initial_data = {
        # Per document (purged and merged by docname):
        'evaluations': {},  # docname -> [EvaluationRecord]
        'scores': {},  # docname -> [ScoreRecord]
        'areas': {},  # docname -> [AreaRecord]
        'overviews': {},  # docname -> [(line, what)] of views of the folder's evaluation
        'mentions': {},  # docname -> [MentionRecord] of good examples
        'problems': {},  # docname -> [Problem] found while reading
        'aggregates': {},  # docname -> {scope: first line} of computed views
        # Global, rebuilt on every build:
        'catalogues': {},  # id -> Catalogue (loaded on builder-inited)
        'catalogue_problems': [],  # and the register's, if it cannot be read
        'catalogue_digests': {},  # id -> digest the documents were read with
        'score_data': ScoreData((), (), ''),  # reports/scores.csv
        'score_data_path': '',
        'published_averages': (),  # PublishedAverage rows
        'published_problems': (),
        'results': {},  # evaluation folder -> EvaluationResult
        'summaries': {},  # slug -> Summary (reports and data rows)
        'examples': [],  # Example: mentions with their evaluation and criterion
        'register': None,  # Register of municipalities, or None when not checked
        'fingerprints': {},  # evaluation folder -> fingerprint
        'data_fingerprint': '',  # score data and settings the views were made with
    }

    # --- typed accessors ---------------------------------------------------
    @property
    def catalogues(self) -> dict[str, Catalogue]:
        return cast('dict[str, Catalogue]', self.data['catalogues'])

    @property
    def results(self) -> dict[str, EvaluationResult]:
        return cast('dict[str, EvaluationResult]', self.data['results'])

    @property
    def summaries(self) -> dict[str, Summary]:
        return cast('dict[str, Summary]', self.data['summaries'])

    @property
    def published_averages(self) -> tuple[PublishedAverage, ...]:
        return cast('tuple[PublishedAverage, ...]', self.data['published_averages'])

    @property
    def register(self) -> Register | None:
        return cast('Register | None', self.data['register'])

    @property
    def examples(self) -> list[Example]:
        return cast('list[Example]', self.data['examples'])

    @property
    def score_data(self) -> ScoreData:
        return cast('ScoreData', self.data['score_data'])

    def records(self, key: str) -> Iterable[Any]:
        """Every record of one kind (``'scores'``, ``'areas'``, ...) of all documents."""
        for items in self.data[key].values():
            yield from items

    # --- recording while reading -------------------------------------------
    def _add(self, key: str, docname: str, item: Any) -> None:
        self.data[key].setdefault(docname, []).append(item)

    def add_evaluation(self, record: EvaluationRecord) -> None:
        self._add('evaluations', record.docname, record)

    def add_score(self, record: ScoreRecord) -> None:
        self._add('scores', record.docname, record)

    def add_area(self, record: AreaRecord) -> None:
        self._add('areas', record.docname, record)

    def add_overview(self, docname: str, line: int, what: str) -> None:
        """Record a view that needs its folder's evaluation (else: orphan)."""
        self._add('overviews', docname, (line, what))

    def add_mention(self, record: MentionRecord) -> None:
        self._add('mentions', record.docname, record)

    def add_problem(self, docname: str, problem: logs.Problem) -> None:
        self._add('problems', docname, problem)

    def note_aggregate(self, docname: str, scope: str, line: int) -> None:
        """Record that *docname* shows computed data, so it is rewritten."""
        self.data['aggregates'].setdefault(docname, {}).setdefault(scope, line)

    # --- purge and merge -----------------------------------------------------
    def clear_doc(self, docname: str) -> None:
        for key in _PER_DOC:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # A parallel reader's data still holds every unchanged document; take
        # only the documents that reader read.
        for key in _PER_DOC:
            for docname in docnames:
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    # --- after reading ---------------------------------------------------------
    def result_for(self, docname: str) -> EvaluationResult | None:
        """The evaluation *docname* belongs to, if any."""
        folder = find_folder(docname, self.results)
        return None if folder is None else self.results[folder]

    def report_docname(self, slug: str) -> str | None:
        """The index document of the evaluation report called *slug*."""
        for result in self.results.values():
            if result.slug == slug:
                return result.record.docname
        return None

    def recompute(self, env: BuildEnvironment) -> tuple[set[str], bool]:
        """Rebuild results from all records.

        Returns the evaluation folders whose results changed, and whether data
        every view depends on (score data, settings) changed.
        """
        srcdir = Path(env.srcdir)

        def where(docname: str, line: int) -> str:
            return f'{env.doc2path(docname).relative_to(srcdir).as_posix()}:{line}'

        data = self.score_data
        outcome = compute(
            self.records('evaluations'),
            self.records('scores'),
            self.records('areas'),
            self.catalogues,
            other_slugs=[row.slug for row in data.rows],
            where=where,
        )
        problems = list(self.data['catalogue_problems'])
        problems.extend(data.problems)
        problems.extend(self.data['published_problems'])
        problems.extend(self.records('problems'))
        problems.extend(outcome.problems)
        report_slugs = {r.slug: r for r in outcome.results.values()}
        rows = []
        for row in data.rows:
            report = report_slugs.get(row.slug)
            if report is None:
                rows.append(row)
                continue
            problems.append(logs.Problem(
                logs.Kind.DATA,
                f'slug {row.slug!r} is also a report '
                f'({where(report.record.docname, report.record.line)}); '
                'the report counts, this row is ignored',
                f'{self.data["score_data_path"]}:{row.line}',
            ))
        self.data['summaries'] = self._canonical_names(
            summaries(outcome.results, self.catalogues, rows)
        )
        problems.extend(self._check_municipalities(outcome.results, rows, where))
        examples, found = self._place_examples(outcome.results)
        problems.extend(found)
        self.data['examples'] = examples
        for docname, lines in self.data['overviews'].items():
            if find_folder(docname, outcome.results) is None:
                problems.extend(orphan(what, docname, n) for n, what in lines)
        logs.emit_all(problems)

        fingerprints = {
            folder: result.fingerprint(self.catalogues.get(result.catalogue or ''))
            for folder, result in outcome.results.items()
        }
        old = self.data['fingerprints']
        changed = {f for f in fingerprints.keys() | old.keys()
                   if fingerprints.get(f) != old.get(f)}
        data_fingerprint = repr((
            data.digest, self.published_averages, env.config.kompass_average_since,
            self.examples,
        ))
        everything = data_fingerprint != self.data['data_fingerprint']
        self.data['data_fingerprint'] = data_fingerprint
        self.data['results'] = outcome.results
        self.data['fingerprints'] = fingerprints
        self.data['catalogue_digests'] = {
            cid: cat.digest for cid, cat in self.catalogues.items()
        }
        return changed, everything

    def _canonical_names(self, found: dict[str, Summary]) -> dict[str, Summary]:
        """"Karlskrona kommun" and "Karlskrona" are one municipality, one page."""
        register = self.register
        if register is None:
            return found
        out = {}
        for slug, summary in found.items():
            municipality = register.find(summary.municipality)
            out[slug] = (
                summary._replace(municipality=municipality.name) if municipality else summary
            )
        return out

    def _check_municipalities(
        self, results: dict[str, EvaluationResult], rows: list[Any], where: Any
    ) -> list[logs.Problem]:
        """Evaluations and data rows must name registered municipalities."""
        register = self.register
        if register is None:
            return []
        problems = []
        for result in results.values():
            rec = result.record
            if rec.municipality and register.find(rec.municipality) is None:
                problems.append(logs.Problem(
                    logs.Kind.MUNICIPALITY,
                    f'evaluation :municipality: {unknown_message(rec.municipality, register)}',
                    (rec.docname, rec.line),
                ))
        for row in rows:
            if register.find(row.municipality) is None:
                problems.append(logs.Problem(
                    logs.Kind.MUNICIPALITY,
                    f'municipality {unknown_message(row.municipality, register)}',
                    f'{self.data["score_data_path"]}:{row.line}',
                ))
        return problems

    def _place_examples(
        self, results: dict[str, EvaluationResult]
    ) -> tuple[list[Example], list[logs.Problem]]:
        """Give each mention its evaluation; check its criterion there."""
        examples: list[Example] = []
        problems: list[logs.Problem] = []
        mentions = sorted(self.records('mentions'), key=lambda m: (m.docname, m.line))
        for mention in mentions:
            folder = find_folder(mention.docname, results)
            if folder is None:
                problems.append(orphan('good example', mention.docname, mention.line))
                continue
            result = results[folder]
            catalogue = self.catalogues.get(result.catalogue or '')
            if catalogue is None or mention.criterion is None:
                continue  # unknown catalogue or no criterion: already warned
            found = catalogue.criterion(mention.criterion)
            if found is None:
                problems.append(logs.Problem(
                    logs.Kind.UNKNOWN,
                    f'good example {mention.municipality!r}: unknown criterion '
                    f'{mention.criterion!r} in catalogue {catalogue.id!r}',
                    (mention.docname, mention.line),
                ))
                continue
            if mention.code is None and self.register is not None:
                continue  # not a registered municipality: already warned
            area, criterion = found
            examples.append(Example(
                mention, result.slug, result.record.docname, catalogue.id, area.id,
                criterion.title,
            ))
        return examples, problems

    def municipalities_with_pages(self) -> list[str]:
        """Names of municipalities that have an evaluation or a mention."""
        names = {s.municipality for s in self.summaries.values()}
        names |= {e.mention.municipality for e in self.examples}
        if self.register is not None:
            names = {n for n in names if self.register.find(n) is not None}
        return sorted(names)

    def docs_showing(self, folders: Set[str], everything: bool = False) -> set[str]:
        """Pages whose computed views depend on the evaluations in *folders*
        (pages comparing evaluations depend on all of them)."""
        if not folders and not everything:
            return set()
        shown: set[str] = set()
        for docname, scopes in self.data['aggregates'].items():
            nearest = find_folder(docname, folders | set(self.results))
            if everything or SITE_SCOPE in scopes or nearest in folders:
                shown.add(docname)
        return shown

    def docs_using_catalogues(self, catalogue_ids: Set[str]) -> set[str]:
        """Documents to re-read because a catalogue they use changed."""
        if not catalogue_ids:
            return set()
        folders = {
            rec.folder
            for rec in self.records('evaluations')
            if rec.criteria in catalogue_ids
        }
        docs = set()
        for key in ('evaluations', 'scores', 'areas', 'aggregates'):
            for docname in self.data[key]:
                if find_folder(docname, folders) is not None:
                    docs.add(docname)
        docs.update(
            d for d, scopes in self.data['aggregates'].items() if SITE_SCOPE in scopes
        )
        return docs


def get_domain(env: BuildEnvironment) -> KompassDomain:
    """The extension's domain, typed."""
    return cast('KompassDomain', env.get_domain('kompass'))


def load_data_on_init(app: Sphinx) -> None:
    """builder-inited: read ``criteria/`` and the score data anew, so every
    build checks them (and parallel readers, forked later, share them)."""
    folder = Path(app.srcdir, app.config.kompass_criteria_dir)
    catalogues, problems = load_catalogues(folder)
    domain = get_domain(app.env)
    domain.data['catalogues'] = catalogues
    domain.data['catalogue_problems'] = problems
    data_path = Path(app.srcdir, app.config.kompass_score_data)
    domain.data['score_data'] = load_score_data(data_path, catalogues)
    domain.data['score_data_path'] = str(data_path)
    domain.data['register'] = None
    if app.config.kompass_check_municipalities:
        register_path = Path(app.srcdir, app.config.kompass_municipalities or BUNDLED)
        try:
            domain.data['register'] = load_register(register_path)
        except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
            domain.data['catalogue_problems'] = [*problems, logs.Problem(
                logs.Kind.MUNICIPALITY,
                f'cannot read the register of municipalities ({exc}); names are not '
                'checked (expected a CSV with the columns code,name,county)',
                f'{register_path}:1',
            )]
    averages, average_problems = load_published_averages(
        Path(app.srcdir, app.config.kompass_published_averages), catalogues
    )
    domain.data['published_averages'] = averages
    domain.data['published_problems'] = average_problems


def outdated_by_catalogues(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
    removed: Set[str],
) -> list[str]:
    """env-get-outdated: re-read the reports whose catalogue file changed."""
    domain = get_domain(env)
    before = domain.data['catalogue_digests']
    now = {cid: cat.digest for cid, cat in domain.catalogues.items()}
    changed_ids = {c for c in before.keys() | now.keys() if before.get(c) != now.get(c)}
    return sorted(domain.docs_using_catalogues(changed_ids))


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: compute totals after all reading; rewrite pages showing them.

    This runs on every build, also when nothing was re-read (``make html
    latexpdf``), so results and warnings are always current.
    """
    domain = get_domain(env)
    changed, everything = domain.recompute(env)
    return sorted(domain.docs_showing(changed, everything))


def setup_domain(app: Sphinx) -> None:
    """Register the domain and the handlers that keep its data current."""
    app.add_domain(KompassDomain)
    app.connect('builder-inited', load_data_on_init)
    app.connect('env-get-outdated', outdated_by_catalogues)
    app.connect('env-updated', env_updated)

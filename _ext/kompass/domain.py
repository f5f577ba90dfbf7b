"""Cross-document data: the records of every document, and what they add up to.

The domain follows ``sphinx.ext.todo``'s and sphinxcontrib-bibtex's pattern.
Three kinds of data, kept apart:

* **per document** (:data:`PER_DOC`): the records each document's directives
  declared, which ``clear_doc`` purges and ``merge_domaindata`` merges for
  exactly the documents a parallel reader read;
* **inputs** (:class:`Inputs`): the data files (catalogues, score data,
  register), read anew on every build at ``builder-inited``, before parallel
  readers fork;
* **derived** (:class:`Derived`): results rebuilt from scratch after reading
  (``env-updated``), which also tell Sphinx which other pages show a changed
  total and so must be written again.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from sphinx.domains import Domain

from . import logs, values
from .catalogue import Catalogue, load_catalogues
from .comparison import AverageIndex, Summary, histories, summaries
from .perdoc import PerDocument
from .records import (
    AreaRecord,
    ChartRecord,
    EvaluationRecord,
    MentionRecord,
    MotivationRecord,
    ScoreRecord,
    ViewRecord,
)
from .register import BUNDLED, Register, load_register, official_name, unknown_message
from .reportfiles import data_file_problem
from .rewrites import SITE_SCOPE, changed_pages, view_fingerprints
from .scoredata import (
    DataRow,
    PublishedAverage,
    ScoreData,
    load_published_averages,
    load_score_data,
)
from .scoring import EvaluationResult, compute, find_folder, orphan
from .values import ascii_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Per-document data: key -> {docname: [record, ...]}.
PER_DOC = (
    'evaluations', 'scores', 'areas', 'views', 'charts', 'mentions', 'motivations',
    'problems', 'aggregates',
)

_T = TypeVar('_T')

#: The default of ``kompass_average_since`` (FORMAT.md).
DEFAULT_SINCE = '2020-01-01'


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


class Inputs(NamedTuple):
    """The data files, read on every build (``builder-inited``)."""

    catalogues: dict[str, Catalogue]
    #: Problems of the catalogues and of the register.
    problems: tuple[logs.Problem, ...]
    score_data: ScoreData
    #: Where the score data file is, as warnings name it.
    score_data_path: str
    published: tuple[PublishedAverage, ...]
    published_problems: tuple[logs.Problem, ...]
    #: The register of municipalities, or None when names are not checked.
    register: Register | None
    #: ``kompass_average_since``, checked (its default where it is no date).
    since: str

    def slug_base(self, municipality: str) -> str:
        """A municipality's name in slugs: the register's, else its ASCII form
        (without a trailing "kommun" or "stad")."""
        found = self.register.find(municipality) if self.register else None
        if found is not None:
            return found.slug
        name = municipality.strip()
        for suffix in (' kommun', ' stad'):
            if name.lower().endswith(suffix):
                name = name[:-len(suffix)]
        return ascii_name(name)

    def official(self, municipality: str) -> str:
        """``Lund`` -> ``Lunds kommun``, ``Gotland`` -> ``Region Gotland``: the
        register's official name, else one made by Swedish grammar."""
        found = self.register.find(municipality) if self.register else None
        if found is not None:
            return found.official
        lowered = municipality.lower()
        if lowered.endswith((' kommun', ' stad')) or lowered.startswith('region '):
            return municipality
        return official_name(municipality)


EMPTY_INPUTS = Inputs({}, (), ScoreData((), (), ''), '', (), (), None, DEFAULT_SINCE)


@dataclass
class Derived:
    """Everything computed from the records and inputs after reading."""

    #: Results keyed by evaluation folder.
    results: dict[str, EvaluationResult] = field(default_factory=dict)
    #: Every evaluation (reports and data rows) keyed by slug.
    summaries: dict[str, Summary] = field(default_factory=dict)
    #: Mentions placed in their evaluation and criterion.
    examples: list[Example] = field(default_factory=list)
    #: Evaluation folder -> what pages showing it depend on.
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: Docname -> what its computed views show (``rewrites.py``).
    views: dict[str, str] = field(default_factory=dict)
    #: Catalogue id -> digest of the file the documents were read with.
    catalogue_digests: dict[str, str] = field(default_factory=dict)
    #: Municipality name -> the docname of its generated page (``kommuner/lund``).
    pages: dict[str, str] = field(default_factory=dict)
    #: The national average at any date, and each municipality's evaluations
    #: in date order: computed once, read by every chart.
    averages: AverageIndex = field(default_factory=lambda: AverageIndex((), DEFAULT_SINCE))
    histories: dict[str, list[Summary]] = field(default_factory=dict)
    #: The reports keyed by slug.
    reports: dict[str, EvaluationResult] = field(default_factory=dict)


class KompassDomain(Domain):
    """Holds every evaluation, score and area box, keyed by document."""

    name = 'kompass'
    label = 'Kommunkompassen'
    #: Bump whenever a record, :class:`Inputs` or :class:`Derived` changes shape
    #: (``tests/test_env_shape.py`` fails until you do).
    data_version = 3
    initial_data = {
        # Pickled by a parallel reader with only the documents it read (perdoc.py).
        **{key: PerDocument() for key in PER_DOC},
        'inputs': EMPTY_INPUTS,
        'derived': Derived(),
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """*compute*'s value, once per build (forgotten when the derived data
        is made again): for what many pages ask for, such as the PDFs' names."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast('_T', self._memo[key])

    # --- typed accessors ---------------------------------------------------
    @property
    def inputs(self) -> Inputs:
        return cast('Inputs', self.data['inputs'])

    @property
    def derived(self) -> Derived:
        return cast('Derived', self.data['derived'])

    @property
    def catalogues(self) -> dict[str, Catalogue]:
        return self.inputs.catalogues

    @property
    def register(self) -> Register | None:
        return self.inputs.register

    @property
    def published_averages(self) -> tuple[PublishedAverage, ...]:
        return self.inputs.published

    @property
    def results(self) -> dict[str, EvaluationResult]:
        return self.derived.results

    @property
    def summaries(self) -> dict[str, Summary]:
        return self.derived.summaries

    @property
    def examples(self) -> list[Example]:
        return self.derived.examples

    def _records(self, key: str, kind: type[_T]) -> Iterator[_T]:
        for items in self.data[key].values():
            yield from items

    def evaluations(self) -> Iterator[EvaluationRecord]:
        return self._records('evaluations', EvaluationRecord)

    def scores(self) -> Iterator[ScoreRecord]:
        return self._records('scores', ScoreRecord)

    def areas(self) -> Iterator[AreaRecord]:
        return self._records('areas', AreaRecord)

    def charts(self) -> Iterator[ChartRecord]:
        return self._records('charts', ChartRecord)

    def mentions(self) -> Iterator[MentionRecord]:
        return self._records('mentions', MentionRecord)

    def aggregates(self) -> dict[str, dict[str, int]]:
        """Docname -> {scope: first line} of the pages that show computed data."""
        return cast('dict[str, dict[str, int]]', self.data['aggregates'])

    # --- recording while reading -------------------------------------------
    def _add(self, key: str, docname: str, item: Any) -> None:
        self.data[key].setdefault(docname, []).append(item)

    def add_evaluation(self, record: EvaluationRecord) -> None:
        self._add('evaluations', record.docname, record)

    def add_score(self, record: ScoreRecord) -> None:
        self._add('scores', record.docname, record)

    def add_area(self, record: AreaRecord) -> None:
        self._add('areas', record.docname, record)

    def add_view(self, record: ViewRecord) -> None:
        """Record a view that needs its folder's evaluation (else: orphan)."""
        self._add('views', record.docname, record)

    def add_chart(self, record: ChartRecord) -> None:
        self._add('charts', record.docname, record)

    def add_mention(self, record: MentionRecord) -> None:
        self._add('mentions', record.docname, record)

    def add_motivation(self, record: MotivationRecord) -> None:
        self._add('motivations', record.docname, record)

    def motivation(self, docname: str, anchor: str) -> str:
        """The motivation under the score *anchor* of *docname*, or ''."""
        return next((m.text for m in self.data['motivations'].get(docname, ())
                     if m.anchor == anchor), '')

    def add_problem(self, docname: str, problem: logs.Problem) -> None:
        self._add('problems', docname, problem)

    def note_aggregate(self, docname: str, scope: str, line: int) -> None:
        """Record that *docname* shows computed data, so it is rewritten."""
        self.data['aggregates'].setdefault(docname, {}).setdefault(scope, line)

    # --- purge and merge -----------------------------------------------------
    def clear_doc(self, docname: str) -> None:
        for key in PER_DOC:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # Take only the documents that reader read (a reader's data from a
        # loaded environment of an earlier version may hold every document).
        for key in PER_DOC:
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
        summary = self.summaries.get(slug)
        return summary.docname if summary is not None else None

    def recompute(self, env: BuildEnvironment) -> set[str]:
        """Rebuild the derived data from all records and inputs.

        Returns the pages whose computed views changed, to be written again.
        """
        srcdir = Path(env.srcdir)
        inputs = self.inputs

        def where(docname: str, line: int) -> str:
            return f'{env.doc2path(docname).relative_to(srcdir).as_posix()}:{line}'

        data = inputs.score_data
        outcome = compute(
            self.evaluations(), self.scores(), self.areas(), inputs.catalogues,
            other_slugs=[row.slug for row in data.rows], where=where,
            slug_base=inputs.slug_base, reports_dir=env.config.kompass_reports_dir,
        )
        problems = [*inputs.problems, *data.problems, *inputs.published_problems]
        problems.extend(self._records('problems', logs.Problem))
        problems.extend(outcome.problems)
        rows = self._rows_without_reports(outcome.results, data.rows, problems, where)
        found = summaries(outcome.results, inputs.catalogues, rows)
        problems.extend(self._check_municipalities(outcome.results, rows))
        examples = self._place_examples(outcome.results, problems)
        for docname, views in self.data['views'].items():
            if find_folder(docname, outcome.results) is None:
                problems.extend(orphan(v.what, docname, v.line) for v in views)
        problems.extend(self._check_charts(found))
        logs.emit_all(problems)

        before = self.derived
        self._memo.clear()
        fingerprints = {
            folder: result.fingerprint(inputs.catalogues.get(result.catalogue or ''))
            for folder, result in outcome.results.items()
        }
        canonical = self._canonical_names(found)
        self.data['derived'] = Derived(
            results=outcome.results,
            summaries=canonical,
            examples=examples,
            fingerprints=fingerprints,
            catalogue_digests={cid: cat.digest for cid, cat in inputs.catalogues.items()},
            pages=self._page_names(canonical, examples),
            averages=AverageIndex(canonical.values(), inputs.since),
            histories=histories(canonical.values()),
            reports={r.slug: r for r in outcome.results.values()},
        )
        views = view_fingerprints(self, env.config)
        self.derived.views = views
        return changed_pages(before.views, views, env.found_docs)

    def _rows_without_reports(
        self, results: dict[str, EvaluationResult], rows: tuple[DataRow, ...],
        problems: list[logs.Problem], where: Any,
    ) -> list[DataRow]:
        """Data rows that are not also a report (the report counts)."""
        reports = {r.slug: r for r in results.values()}
        kept = []
        for row in rows:
            report = reports.get(row.slug)
            if report is None:
                kept.append(row)
                continue
            problems.append(logs.Problem(
                logs.Kind.DATA,
                f'slug {row.slug!r} is also a report '
                f'({where(report.record.docname, report.record.line)}); '
                'the report counts, this row is ignored',
                f'{self.inputs.score_data_path}:{row.line}',
            ))
        return kept

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
        self, results: dict[str, EvaluationResult], rows: list[DataRow]
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
                    f'{self.inputs.score_data_path}:{row.line}',
                ))
        return problems

    def _place_examples(
        self, results: dict[str, EvaluationResult], problems: list[logs.Problem]
    ) -> list[Example]:
        """Give each mention its evaluation; check its criterion there."""
        examples: list[Example] = []
        for mention in sorted(self.mentions(), key=lambda m: (m.docname, m.line)):
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
        return examples

    def _check_charts(self, found: dict[str, Summary]) -> list[logs.Problem]:
        """A chart's ``:evaluation:`` must name a known evaluation."""
        return [
            logs.Problem(
                logs.Kind.CHART,
                f'chart :evaluation: {chart.evaluation!r} is not a known evaluation '
                '(the slug of a report folder or of a row in the score data)',
                (chart.docname, chart.line),
            )
            for chart in self.charts()
            if chart.evaluation and chart.evaluation not in found
        ]

    def _page_names(
        self, found: dict[str, Summary], examples: list[Example]
    ) -> dict[str, str]:
        """A page for each municipality with an evaluation or a mention, named
        by its slug (Habo and Håbo apart); names that the register does not
        check and that make the same slug get a number each."""
        names = {s.municipality for s in found.values()}
        names |= {e.mention.municipality for e in examples}
        if self.register is not None:
            names = {n for n in names if self.register.find(n) is not None}
        pages: dict[str, str] = {}
        taken: set[str] = set()
        for name in sorted(names):
            base = f'kommuner/{self.inputs.slug_base(name) or "kommun"}'
            page, n = base, 1
            while page in taken:
                n += 1
                page = f'{base}-{n}'
            taken.add(page)
            pages[name] = page
        return pages

    def examples_about(self, municipality: str) -> list[Example]:
        """The good examples naming *municipality*, in their order (indexed once
        per build: every municipality page asks)."""
        def index() -> dict[str, list[Example]]:
            found: dict[str, list[Example]] = {}
            for example in self.examples:
                found.setdefault(example.mention.municipality, []).append(example)
            return found
        return self.memo('examples_about', index).get(municipality, [])

    def municipalities_with_pages(self) -> list[str]:
        """Names of municipalities that have an evaluation or a mention."""
        return sorted(self.derived.pages)

    def docs_using_catalogues(self, catalogue_ids: Set[str]) -> set[str]:
        """Documents to re-read because a catalogue they use changed."""
        if not catalogue_ids:
            return set()
        folders = {rec.folder for rec in self.evaluations() if rec.criteria in catalogue_ids}
        docs = set()
        for key in ('evaluations', 'scores', 'areas', 'aggregates'):
            for docname in self.data[key]:
                if find_folder(docname, folders) is not None:
                    docs.add(docname)
        docs.update(d for d, scopes in self.aggregates().items() if SITE_SCOPE in scopes)
        return docs


def get_domain(env: BuildEnvironment) -> KompassDomain:
    """The extension's domain, typed."""
    return cast('KompassDomain', env.get_domain('kompass'))


def load_inputs(srcdir: Path, config: Any, confdir: Path | None = None) -> Inputs:
    """Read the catalogues, the register and the score data, and check the
    settings they are used with; never raises."""
    catalogues, problems = load_catalogues(Path(srcdir, config.kompass_criteria_dir), srcdir)

    def refused(path: Path, kind: logs.Kind, what: str) -> bool:
        """Whether *path* may not be read (a link, say): then a warning."""
        problem = data_file_problem(path, srcdir)
        if problem is not None:
            problems.append(logs.Problem(kind, f'{what} {problem}; it is not read',
                                         f'{path}:1'))
        return problem is not None

    register = None
    register_path = Path(srcdir, config.kompass_municipalities or BUNDLED)
    if config.kompass_check_municipalities and not refused(
            register_path, logs.Kind.MUNICIPALITY, 'the register of municipalities'):
        try:
            register = load_register(register_path)
        except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
            problems.append(logs.Problem(
                logs.Kind.MUNICIPALITY,
                f'cannot read the register of municipalities ({exc}); names are not '
                'checked (expected a CSV with the columns code,name,county)',
                f'{register_path}:1',
            ))
    since = config.kompass_average_since
    try:
        since = values.iso_date(since)
    except values.BadValue as exc:
        problems.append(logs.Problem(
            logs.Kind.OPTION,
            f'kompass_average_since {exc}; the average is taken since {DEFAULT_SINCE}',
            f'{Path(confdir or srcdir, "conf.py")}:1',
        ))
        since = DEFAULT_SINCE
    inputs = EMPTY_INPUTS._replace(catalogues=catalogues, register=register, since=since)
    data_path = Path(srcdir, config.kompass_score_data)
    averages_path = Path(srcdir, config.kompass_published_averages)
    averages, average_problems = (
        ((), ()) if refused(averages_path, logs.Kind.DATA, 'the file of published averages')
        else load_published_averages(averages_path, catalogues)
    )
    score_data = (
        ScoreData((), (), '') if refused(data_path, logs.Kind.DATA, 'the score data file')
        else load_score_data(data_path, catalogues, inputs.slug_base)
    )
    return inputs._replace(
        problems=tuple(problems),
        score_data=score_data,
        score_data_path=str(data_path),
        published=averages,
        published_problems=average_problems,
    )


def load_data_on_init(app: Sphinx) -> None:
    """builder-inited: read the data files anew, so every build checks them
    (and parallel readers, forked later, share them)."""
    get_domain(app.env).data['inputs'] = load_inputs(
        Path(app.srcdir), app.config, Path(app.confdir)
    )


def outdated_by_catalogues(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
    removed: Set[str],
) -> list[str]:
    """env-get-outdated: re-read the reports whose catalogue file changed."""
    domain = get_domain(env)
    before = domain.derived.catalogue_digests
    now = {cid: cat.digest for cid, cat in domain.catalogues.items()}
    changed_ids = {c for c in before.keys() | now.keys() if before.get(c) != now.get(c)}
    return sorted(domain.docs_using_catalogues(changed_ids))


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: compute totals after all reading; rewrite pages showing them.

    This runs on every build, also when nothing was re-read (``make html
    latexpdf``), so results and warnings are always current.
    """
    domain = get_domain(env)
    return sorted(domain.recompute(env))


def setup_domain(app: Sphinx) -> None:
    """Register the domain and the handlers that keep its data current."""
    app.add_domain(KompassDomain)
    app.connect('builder-inited', load_data_on_init)
    app.connect('env-get-outdated', outdated_by_catalogues)
    app.connect('env-updated', env_updated)

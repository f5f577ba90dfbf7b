"""Cross-document data: the records of every document, and what they add up to.

The domain follows ``sphinx.ext.todo``'s and sphinxcontrib-bibtex's pattern:
per-document records that ``clear_doc`` purges and ``merge_domaindata`` merges
for exactly the documents a parallel reader read; derived results rebuilt from
scratch after reading (``env-updated``), which also tells Sphinx which other
pages show a changed total and so must be written again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sphinx.domains import Domain

from . import logs
from .catalogue import Catalogue, load_catalogues
from .records import AreaRecord, EvaluationRecord, ScoreRecord
from .scoring import EvaluationResult, compute, find_folder, orphan

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Scopes of pages that show computed data.
EVALUATION_SCOPE = 'evaluation'  # shows its own evaluation (boxes, overview)
SITE_SCOPE = 'site'  # shows every evaluation (indexes)

_PER_DOC = ('evaluations', 'scores', 'areas', 'overviews', 'problems', 'aggregates')


class KompassDomain(Domain):
    """Holds every evaluation, score and area box, keyed by document."""

    name = 'kompass'
    label = 'Kommunkompassen'
    data_version = 1
    initial_data: dict[str, Any] = {
        # Per document (purged and merged by docname):
        'evaluations': {},  # docname -> [EvaluationRecord]
        'scores': {},  # docname -> [ScoreRecord]
        'areas': {},  # docname -> [AreaRecord]
        'overviews': {},  # docname -> [line] of {score-overview}
        'problems': {},  # docname -> [Problem] found while reading
        'aggregates': {},  # docname -> {scope: first line} of computed views
        # Global, rebuilt on every build:
        'catalogues': {},  # id -> Catalogue (loaded on builder-inited)
        'catalogue_problems': [],
        'catalogue_digests': {},  # id -> digest the documents were read with
        'results': {},  # evaluation folder -> EvaluationResult
        'fingerprints': {},  # evaluation folder -> fingerprint
    }

    # --- typed accessors ---------------------------------------------------
    @property
    def catalogues(self) -> dict[str, Catalogue]:
        return cast('dict[str, Catalogue]', self.data['catalogues'])

    @property
    def results(self) -> dict[str, EvaluationResult]:
        return cast('dict[str, EvaluationResult]', self.data['results'])

    def _records(self, key: str) -> Iterable[Any]:
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

    def add_overview(self, docname: str, line: int) -> None:
        self._add('overviews', docname, line)

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

    def recompute(self, env: BuildEnvironment) -> set[str]:
        """Rebuild results from all records; return the folders that changed."""
        srcdir = Path(env.srcdir)

        def where(docname: str, line: int) -> str:
            return f'{env.doc2path(docname).relative_to(srcdir).as_posix()}:{line}'

        outcome = compute(
            self._records('evaluations'),
            self._records('scores'),
            self._records('areas'),
            self.catalogues,
            where=where,
        )
        problems = list(self.data['catalogue_problems'])
        problems.extend(self._records('problems'))
        problems.extend(outcome.problems)
        for docname, lines in self.data['overviews'].items():
            if find_folder(docname, outcome.results) is None:
                problems.extend(orphan('score overview', docname, n) for n in lines)
        logs.emit_all(problems)

        fingerprints = {
            folder: result.fingerprint(self.catalogues.get(result.catalogue or ''))
            for folder, result in outcome.results.items()
        }
        old = self.data['fingerprints']
        changed = {f for f in fingerprints.keys() | old.keys()
                   if fingerprints.get(f) != old.get(f)}
        self.data['results'] = outcome.results
        self.data['fingerprints'] = fingerprints
        self.data['catalogue_digests'] = {
            cid: cat.digest for cid, cat in self.catalogues.items()
        }
        return changed

    def docs_showing(self, folders: Set[str]) -> set[str]:
        """Pages whose computed views depend on the evaluations in *folders*."""
        if not folders:
            return set()
        shown: set[str] = set()
        for docname, scopes in self.data['aggregates'].items():
            if SITE_SCOPE in scopes:
                shown.add(docname)
            elif find_folder(docname, folders | set(self.results)) in folders:
                shown.add(docname)
        return shown

    def docs_using_catalogues(self, catalogue_ids: Set[str]) -> set[str]:
        """Documents to re-read because a catalogue they use changed."""
        if not catalogue_ids:
            return set()
        folders = {
            rec.folder
            for rec in self._records('evaluations')
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


def load_catalogues_on_init(app: Sphinx) -> None:
    """builder-inited: read ``criteria/`` anew, so every build checks it."""
    folder = Path(app.srcdir, app.config.kompass_criteria_dir)
    catalogues, problems = load_catalogues(folder)
    domain = get_domain(app.env)
    domain.data['catalogues'] = catalogues
    domain.data['catalogue_problems'] = problems


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
    changed = get_domain(env).recompute(env)
    return sorted(get_domain(env).docs_showing(changed))


def setup_domain(app: Sphinx) -> None:
    """Register the domain and the handlers that keep its data current."""
    app.add_domain(KompassDomain)
    app.connect('builder-inited', load_catalogues_on_init)
    app.connect('env-get-outdated', outdated_by_catalogues)
    app.connect('env-updated', env_updated)

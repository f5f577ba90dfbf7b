"""The score engine: from what the directives declared to checked totals.

Pure functions over records, run once after all documents are read (see
``domain.KompassDomain.env_updated``), so that an evaluation spread over many
documents, read in any order or by parallel workers, adds up the same.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple, TypeVar

from .catalogue import Catalogue
from .logs import Kind, Problem
from .records import AreaRecord, EvaluationRecord, ScoreRecord, folder_chain


class EvaluationResult(NamedTuple):
    """One evaluation's computed scores."""

    record: EvaluationRecord
    #: Id of the catalogue the scores were checked against, if usable.
    catalogue: str | None
    #: The valid score of each scored criterion.
    points: dict[str, ScoreRecord]
    #: Sum of valid points per area id (every area of the catalogue).
    area_totals: dict[str, int]
    total: int
    #: Catalogue criteria without a valid score, in catalogue order.
    unscored: tuple[str, ...]
    #: Docname of the previous evaluation's report, if it is a report here.
    previous_docname: str | None

    @property
    def slug(self) -> str:
        return self.record.slug

    def fingerprint(self, catalogue: Catalogue | None) -> str:
        """What pages showing this evaluation depend on; rewrite on change."""
        shown = (
            self.record,
            catalogue.digest if catalogue else None,
            sorted((c, s.points, s.docname, s.anchor) for c, s in self.points.items()),
            self.previous_docname,
        )
        return hashlib.sha1(repr(shown).encode()).hexdigest()


class Outcome(NamedTuple):
    """Everything ``compute`` derives."""

    #: Results keyed by evaluation folder.
    results: dict[str, EvaluationResult]
    problems: list[Problem]


def find_folder(docname: str, folders: Iterable[str]) -> str | None:
    """The evaluation folder *docname* belongs to: its nearest ancestor."""
    known = set(folders)
    return next((f for f in folder_chain(docname) if f in known), None)


_R = TypeVar('_R', ScoreRecord, AreaRecord)

#: Names a place in a message, e.g. ``reports/x/index.md:12``.
Describe = Callable[[str, int], str]


def _plain(docname: str, line: int) -> str:
    return f'{docname}:{line}'


def _loc(record: EvaluationRecord | ScoreRecord | AreaRecord) -> tuple[str, int]:
    return (record.docname, record.line)


def _pick_evaluations(
    evaluations: Iterable[EvaluationRecord], problems: list[Problem], where: Describe
) -> dict[str, EvaluationRecord]:
    """One evaluation per folder and per slug; the rest are warned about."""
    by_folder: dict[str, EvaluationRecord] = {}
    by_slug: dict[str, EvaluationRecord] = {}

    def order(rec: EvaluationRecord) -> tuple[bool, str, int]:
        # The folder's index document wins over any other of its documents.
        is_index = rec.docname == (f'{rec.folder}/index' if rec.folder else 'index')
        return (not is_index, rec.docname, rec.line)

    for rec in sorted(evaluations, key=order):
        first = by_folder.get(rec.folder)
        if first is not None:
            problems.append(Problem(
                Kind.EVALUATION,
                f'a second evaluation in folder {rec.folder or "(root)"!r}; '
                f'the folder already has the evaluation at '
                f'{where(first.docname, first.line)} (one folder holds one evaluation)',
                _loc(rec),
            ))
            continue
        same_slug = by_slug.get(rec.slug)
        if same_slug is not None:
            problems.append(Problem(
                Kind.EVALUATION,
                f'evaluation slug {rec.slug!r} is already used by '
                f'{where(same_slug.docname, same_slug.line)}',
                _loc(rec),
            ))
            continue
        by_folder[rec.folder] = rec
        by_slug[rec.slug] = rec
    return by_folder


def _catalogue_for(
    rec: EvaluationRecord, catalogues: Mapping[str, Catalogue], problems: list[Problem]
) -> Catalogue | None:
    if rec.criteria is None:
        return None  # the missing option was warned about while reading
    catalogue = catalogues.get(rec.criteria)
    if catalogue is None:
        known = ', '.join(sorted(catalogues)) or 'none (criteria/ is empty)'
        problems.append(Problem(
            Kind.CATALOGUE,
            f'unknown criteria catalogue {rec.criteria!r}; known catalogues: {known}',
            _loc(rec),
        ))
        return None
    if not catalogue.usable:
        problems.append(Problem(
            Kind.CATALOGUE,
            f'criteria catalogue {rec.criteria!r} could not be read '
            f'(see the warning for {Path(catalogue.path).name}); scores are not checked',
            _loc(rec),
        ))
        return None
    return catalogue


def _check_scores(
    slug: str,
    scores: list[ScoreRecord],
    catalogue: Catalogue,
    problems: list[Problem],
    where: Describe,
) -> dict[str, ScoreRecord]:
    valid: dict[str, ScoreRecord] = {}
    first: dict[str, ScoreRecord] = {}
    for score in scores:
        if score.points is None or not score.criterion:
            continue  # warned about while reading
        found = catalogue.criterion(score.criterion)
        if found is None:
            problems.append(Problem(
                Kind.UNKNOWN,
                f'unknown criterion {score.criterion!r}: catalogue '
                f'{catalogue.id!r} has {_id_range(catalogue.criterion_ids())}',
                _loc(score),
            ))
            continue
        earlier = first.get(score.criterion)
        if earlier is not None:
            problems.append(Problem(
                Kind.DUPLICATE,
                f'criterion {score.criterion} is scored twice in evaluation '
                f'{slug!r}; first at {where(earlier.docname, earlier.line)} '
                f'(this score is ignored)',
                _loc(score),
            ))
            continue
        first[score.criterion] = score
        _, criterion = found
        if not 0 <= score.points <= criterion.max:
            problems.append(Problem(
                Kind.SCORE,
                f'points {score.points} for criterion {score.criterion} are '
                f'outside 0..{criterion.max} (its maximum in {catalogue.id!r})',
                _loc(score),
            ))
            continue
        valid[score.criterion] = score
    return valid


def _id_range(ids: list[str]) -> str:
    return f'{ids[0]} to {ids[-1]}' if ids else 'no criteria'


def _check_areas(
    slug: str,
    boxes: list[AreaRecord],
    catalogue: Catalogue,
    area_totals: Mapping[str, int],
    problems: list[Problem],
    where: Describe,
) -> None:
    first: dict[str, AreaRecord] = {}
    for box in boxes:
        if not box.area:
            continue  # warned about while reading
        area = catalogue.area(box.area)
        if area is None:
            known = ', '.join(a.id for a in catalogue.areas)
            problems.append(Problem(
                Kind.UNKNOWN,
                f'unknown area {box.area!r}: catalogue {catalogue.id!r} has '
                f'areas {known}',
                _loc(box),
            ))
            continue
        earlier = first.get(box.area)
        if earlier is not None:
            problems.append(Problem(
                Kind.DUPLICATE,
                f'area {box.area} has a second box in evaluation {slug!r}; '
                f'first at {where(earlier.docname, earlier.line)}',
                _loc(box),
            ))
            continue
        first[box.area] = box
        computed = area_totals[box.area]
        if box.stated is not None and box.stated != computed:
            problems.append(Problem(
                Kind.STATED,
                f'area {box.area} states {box.stated} points, but its scores '
                f'add up to {computed}',
                _loc(box),
            ))


def compute(
    evaluations: Iterable[EvaluationRecord],
    scores: Iterable[ScoreRecord],
    boxes: Iterable[AreaRecord],
    catalogues: Mapping[str, Catalogue],
    other_slugs: Iterable[str] = (),
    where: Describe = _plain,
) -> Outcome:
    """Check every evaluation and compute its area and total scores.

    *other_slugs* are evaluations known without a report (the score data),
    which a ``previous`` may name; *where* names a place in messages.
    """
    problems: list[Problem] = []
    chosen = _pick_evaluations(evaluations, problems, where)

    # Give every score and box to the evaluation of its nearest folder.
    scores_of = _by_folder(scores, chosen, 'score', problems)
    boxes_of = _by_folder(boxes, chosen, 'area box', problems)

    report_docs = {rec.slug: rec.docname for rec in chosen.values()}
    known_slugs = set(report_docs) | set(other_slugs)
    results: dict[str, EvaluationResult] = {}
    for folder, rec in sorted(chosen.items()):
        catalogue = _catalogue_for(rec, catalogues, problems)
        points: dict[str, ScoreRecord] = {}
        area_totals: dict[str, int] = {}
        unscored: tuple[str, ...] = ()
        if catalogue is not None:
            points = _check_scores(
                rec.slug, scores_of[folder], catalogue, problems, where
            )
            area_totals = {
                area.id: sum(
                    points[c.id].points or 0 for c in area.criteria if c.id in points
                )
                for area in catalogue.areas
            }
            _check_areas(
                rec.slug, boxes_of[folder], catalogue, area_totals, problems, where
            )
            unscored = tuple(c for c in catalogue.criterion_ids() if c not in points)
            if unscored and rec.status == 'final':
                problems.append(Problem(
                    Kind.UNSCORED,
                    f'final evaluation {rec.slug!r} has no valid score for '
                    f'{len(unscored)} of {len(catalogue.criterion_ids())} criteria: '
                    f'{", ".join(unscored)} (use ":status: draft" while work is '
                    'in progress)',
                    _loc(rec),
                ))
        if rec.previous is not None and (
            rec.previous not in known_slugs or rec.previous == rec.slug
        ):
            problems.append(Problem(
                Kind.PREVIOUS,
                f'previous evaluation {rec.previous!r} is not known; expected '
                'the slug of another report folder or of a row in the score data'
                + _similar(rec.previous, known_slugs - {rec.slug}),
                _loc(rec),
            ))
        previous_doc = report_docs.get(rec.previous) if rec.previous else None
        results[folder] = EvaluationResult(
            rec, catalogue.id if catalogue else None, points, area_totals,
            sum(area_totals.values()), unscored,
            previous_doc if rec.previous != rec.slug else None,
        )
    return Outcome(results, problems)


def _by_folder(
    items: Iterable[_R], folders: Mapping[str, EvaluationRecord], what: str,
    problems: list[Problem],
) -> dict[str, list[_R]]:
    """Each record under its nearest evaluation folder; orphans are warned."""
    grouped: dict[str, list[_R]] = {folder: [] for folder in folders}
    for item in sorted(items, key=lambda r: (r.docname, r.line)):
        folder = find_folder(item.docname, folders)
        if folder is None:
            problems.append(orphan(what, item.docname, item.line))
        else:
            grouped[folder].append(item)
    return grouped


def orphan(what: str, docname: str, line: int) -> Problem:
    """The warning for a directive outside every evaluation folder."""
    return Problem(
        Kind.ORPHAN,
        f'{what} outside an evaluation: no {{evaluation}} directive in this '
        "document's folder or the folders above it",
        (docname, line),
    )


def _similar(wanted: str, known: set[str]) -> str:
    close = difflib.get_close_matches(wanted, sorted(known), n=3, cutoff=0.6)
    return f' (did you mean {", ".join(close)}?)' if close else ''

"""The score engine: from what the directives declared to checked totals.

Pure functions over records, run once after all documents are read (see
``domain.KompassDomain.env_updated``), so that an evaluation spread over many
documents, read in any order or by parallel workers, adds up the same.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Container, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple, TypeVar

from .catalogue import Catalogue
from .logs import Kind, Problem
from .records import AreaRecord, EvaluationRecord, ScoreRecord, folder_chain
from .values import ascii_name, did_you_mean


class EvaluationResult(NamedTuple):
    """One evaluation's computed scores."""

    record: EvaluationRecord
    #: The evaluation's slug: made from municipality and year (FORMAT.md), so
    #: it is always lower-case ASCII, whatever the folder is called.
    slug: str
    #: Whether the folder's name is that slug; only then does it get a PDF.
    named: bool
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

    def fingerprint(self, catalogue: Catalogue | None) -> str:
        """What pages showing this evaluation depend on; rewrite on change."""
        shown = (
            self.record,
            self.slug,
            catalogue.digest if catalogue else None,
            sorted(
                (c, s.points, s.docname, s.anchor, s.heading) for c, s in self.points.items()
            ),
            self.previous_docname,
        )
        return hashlib.sha1(repr(shown).encode()).hexdigest()


class Outcome(NamedTuple):
    """Everything ``compute`` derives."""

    #: Results keyed by evaluation folder.
    results: dict[str, EvaluationResult]
    problems: list[Problem]


def find_folder(docname: str, folders: Container[str]) -> str | None:
    """The evaluation folder *docname* belongs to: its nearest ancestor among
    *folders* (a set or a mapping keyed by folder)."""
    return next((f for f in folder_chain(docname) if f in folders), None)


_R = TypeVar('_R', ScoreRecord, AreaRecord)

#: Names a place in a message, e.g. ``reports/x/index.md:12``.
Describe = Callable[[str, int], str]
#: A municipality's name as slugs write it: ``Håbo`` -> ``haabo``.
SlugBase = Callable[[str], str]


def _plain(docname: str, line: int) -> str:
    return f'{docname}:{line}'


def _loc(record: EvaluationRecord | ScoreRecord | AreaRecord) -> tuple[str, int]:
    return (record.docname, record.line)


class _Chosen(NamedTuple):
    """An evaluation that counts, with the slug it counts under."""

    record: EvaluationRecord
    slug: str
    named: bool


def _expected_slug(rec: EvaluationRecord, slug_base: SlugBase) -> str | None:
    """The slug FORMAT.md gives *rec*, when its municipality and year are known."""
    if not rec.municipality or rec.year is None:
        return None  # the missing or malformed option was warned about
    return f'{slug_base(rec.municipality)}-{rec.year}'


def _folder_problem(rec: EvaluationRecord, expected: str) -> Problem:
    name = posixpath.basename(rec.folder)
    why = ''
    head, _, tail = name.rpartition('-')
    if head == expected.rpartition('-')[0] and tail.isdigit():
        why = f"; the folder's year {tail} differs from :year: {rec.year}"
    return Problem(
        Kind.FOLDER,
        f'folder name {name!r} is not the slug of this evaluation, {expected!r}{why} '
        f'(FORMAT.md: the municipality in lower-case ASCII and the year); rename the '
        f'folder to {posixpath.join(posixpath.dirname(rec.folder), expected)!r}. '
        'Until then it gets no PDF of its own',
        _loc(rec),
    )


def _pick_evaluations(
    evaluations: Iterable[EvaluationRecord],
    problems: list[Problem],
    where: Describe,
    slug_base: SlugBase,
    reports_dir: str,
) -> tuple[dict[str, _Chosen], set[str]]:
    """One evaluation per folder and per slug; the rest are warned about.

    Returns the chosen evaluations by folder, and the folders of evaluations
    that do not count (a copy of another), whose directives are ignored.
    """
    expected = {rec: _expected_slug(rec, slug_base) for rec in evaluations}

    def order(rec: EvaluationRecord) -> tuple[bool, bool, str, int]:
        # A correctly named folder wins over a copy; the folder's index
        # document wins over any other of its documents.
        named = expected[rec] is not None and posixpath.basename(rec.folder) == expected[rec]
        is_index = rec.docname == (f'{rec.folder}/index' if rec.folder else 'index')
        return (not named, not is_index, rec.docname, rec.line)

    by_folder: dict[str, _Chosen] = {}
    by_slug: dict[str, EvaluationRecord] = {}
    ignored: set[str] = set()
    for rec in sorted(expected, key=order):
        if posixpath.dirname(rec.folder) != reports_dir:
            # FORMAT.md: an evaluation is a folder reports/<slug>/; elsewhere it
            # would escape the rules for reports (and get no PDF).
            problems.append(Problem(
                Kind.FOLDER,
                f'an evaluation belongs in a folder of its own in {reports_dir}/ '
                f'({reports_dir}/<slug>/index.md); this one is not counted',
                _loc(rec),
            ))
            ignored.add(rec.folder)
            continue
        first = by_folder.get(rec.folder)
        if first is not None:
            problems.append(Problem(
                Kind.EVALUATION,
                f'a second evaluation in folder {rec.folder or "(root)"!r}; '
                f'the folder already has the evaluation at '
                f'{where(first.record.docname, first.record.line)} '
                '(one folder holds one evaluation)',
                _loc(rec),
            ))
            continue
        slug = expected[rec]
        named = True
        if slug is None:
            slug = ascii_name(posixpath.basename(rec.folder)) or 'utvardering'
        elif rec.folder and posixpath.basename(rec.folder) != slug:
            named = False
            problems.append(_folder_problem(rec, slug))
        same = by_slug.get(slug)
        if same is not None:
            problems.append(Problem(
                Kind.EVALUATION,
                f'the same evaluation ({slug!r}) as {where(same.docname, same.line)}; '
                'only that one counts (a copy, or a folder named for another evaluation?)',
                _loc(rec),
            ))
            ignored.add(rec.folder)
            continue
        by_folder[rec.folder] = _Chosen(rec, slug, named)
        by_slug[slug] = rec
    return by_folder, ignored


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
    slug_base: SlugBase = ascii_name,
    reports_dir: str = 'reports',
) -> Outcome:
    """Check every evaluation and compute its area and total scores.

    *other_slugs* are evaluations known without a report (the score data),
    which a ``previous`` may name; *where* names a place in messages;
    *slug_base* gives a municipality's name in slugs (the register's).
    """
    problems: list[Problem] = []
    chosen, ignored = _pick_evaluations(list(evaluations), problems, where, slug_base,
                                        reports_dir.strip('/'))

    # Give every score and box to the evaluation of its nearest folder.
    scores_of = _by_folder(scores, chosen, ignored, 'score', problems)
    boxes_of = _by_folder(boxes, chosen, ignored, 'area box', problems)

    report_docs = {c.slug: c.record.docname for c in chosen.values()}
    known_slugs = set(report_docs) | set(other_slugs)
    results: dict[str, EvaluationResult] = {}
    for folder, (rec, slug, named) in sorted(chosen.items()):
        catalogue = _catalogue_for(rec, catalogues, problems)
        points: dict[str, ScoreRecord] = {}
        area_totals: dict[str, int] = {}
        unscored: tuple[str, ...] = ()
        if catalogue is not None:
            points = _check_scores(slug, scores_of[folder], catalogue, problems, where)
            area_totals = {
                area.id: sum(
                    points[c.id].points or 0 for c in area.criteria if c.id in points
                )
                for area in catalogue.areas
            }
            _check_areas(slug, boxes_of[folder], catalogue, area_totals, problems, where)
            unscored = tuple(c for c in catalogue.criterion_ids() if c not in points)
            if unscored and rec.status == 'final':
                problems.append(Problem(
                    Kind.UNSCORED,
                    f'final evaluation {slug!r} has no valid score for '
                    f'{len(unscored)} of {len(catalogue.criterion_ids())} criteria: '
                    f'{", ".join(unscored)} (use ":status: draft" while work is '
                    'in progress)',
                    _loc(rec),
                ))
        previous = _check_previous(rec, slug, known_slugs, problems)
        results[folder] = EvaluationResult(
            rec, slug, named, catalogue.id if catalogue else None, points, area_totals,
            sum(area_totals.values()), unscored,
            report_docs.get(previous) if previous else None,
        )
    return Outcome(results, problems)


def _check_previous(
    rec: EvaluationRecord, slug: str, known: set[str], problems: list[Problem]
) -> str | None:
    """The previous evaluation's slug, if it is one this evaluation may name."""
    previous = rec.previous
    if previous is None:
        return None
    if previous not in known or previous == slug:
        problems.append(Problem(
            Kind.PREVIOUS,
            f'previous evaluation {previous!r} is not known; expected '
            'the slug of another report folder or of a row in the score data'
            + did_you_mean(previous, known - {slug}),
            _loc(rec),
        ))
        return None
    name, _, year = previous.rpartition('-')
    own_name = slug.rpartition('-')[0]
    if name != own_name:
        problems.append(Problem(
            Kind.PREVIOUS,
            f'previous evaluation {previous!r} is of another municipality than '
            f'this one ({slug!r})',
            _loc(rec),
        ))
        return None
    if rec.year is not None and year.isdigit() and int(year) >= rec.year:
        problems.append(Problem(
            Kind.PREVIOUS,
            f'previous evaluation {previous!r} is not earlier than this one ({rec.year})',
            _loc(rec),
        ))
        return None
    return previous


def _by_folder(
    items: Iterable[_R], folders: Mapping[str, _Chosen], ignored: set[str], what: str,
    problems: list[Problem],
) -> dict[str, list[_R]]:
    """Each record under its nearest evaluation folder; orphans are warned.

    Records of an ignored evaluation (a copy of another) are dropped silently:
    the copy itself was warned about.
    """
    grouped: dict[str, list[_R]] = {folder: [] for folder in folders}
    known = folders.keys() | ignored
    for item in sorted(items, key=lambda r: (r.docname, r.line)):
        folder = find_folder(item.docname, known)
        if folder is None:
            problems.append(orphan(what, item.docname, item.line))
        elif folder in grouped:
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

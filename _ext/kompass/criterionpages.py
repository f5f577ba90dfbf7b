"""Criterion pages, generated on every HTML build like the municipality pages.

One page per criterion of every catalogue (``kriterier/<catalogue>/<id>``):
its area, title and maximum; every evaluation that scored it, highest first,
with a link to the exact ``{score}``; the distribution as a chart and a
table; the evaluations known only by their area score or total (counted as
such, never as zeros); the good examples for the criterion; and, for the
reports in the repository, the first paragraph of the text under each
``{score}``, so a reader can see how the best-scoring municipalities work.

Everything comes from the domain's derived data and the stored doctrees on
each build, so the pages are never stale; pages no longer made are removed;
a hand-written page at a generated page's path wins (with a warning).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from . import charts, logs
from .calibration import Calibration, CriterionFigures, decimal, percent
from .calibrationview import calibration_of
from .criterionchart import alt_text, distribution_spec
from .criterionlinks import FOLDER, criterion_pages
from .domain import KompassDomain, get_domain
from .generated import GeneratedPages, Page, Section
from .labels import _, points
from .siteviews import PAGE_BUILDERS, municipality_link
from .tables import build_table
from .views import reference

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config

    from .catalogue import Area, Catalogue, Criterion
    from .comparison import Summary
    from .criterionchart import Spec

def _scored_rows(domain: KompassDomain, builder: StandaloneHTMLBuilder, page: str,
                 catalogue: Catalogue, crit: Criterion) -> list[list[Any]]:
    """Every evaluation (drafts too, marked) that scored the criterion, highest first."""
    results = {r.slug: r for r in domain.results.values()}
    scored = sorted(
        (s for s in domain.summaries.values()
         if s.criteria == catalogue.id and crit.id in s.points),
        key=lambda s: (-s.points[crit.id], s.municipality, s.sort_date, s.slug),
    )
    rows: list[list[Any]] = []
    for s in scored:
        value = s.points[crit.id]
        label = s.label + ('' if s.final else ' (' + _('utkast') + ')')
        result = results.get(s.slug)
        score = result.points.get(crit.id) if result else None
        where: Any = (
            [nodes.paragraph('', '', reference(builder, page, score.docname, score.anchor,
                                               _('Till bedömningen')))]
            if score is not None else s.source
        )
        evaluation: Any = (
            [nodes.paragraph('', '', reference(builder, page, s.docname, None, label))]
            if s.docname else label
        )
        rows.append([
            municipality_link(domain, builder, page, s.municipality, nodes.Text(s.municipality)),
            evaluation, points(value, crit.max), percent(value / crit.max), where,
        ])
    return rows


def _known_otherwise(domain: KompassDomain, figures: CriterionFigures, area: Area,
                     catalogue: Catalogue) -> list[nodes.Node]:
    rows: list[list[Any]] = []
    for slug in figures.area_only:
        s = domain.summaries[slug]
        rows.append([s.label, _('endast områdespoäng'),
                     _('område %s: %s') % (area.id, points(s.areas[area.id], area.max))])
    for slug in figures.total_only:
        s = domain.summaries[slug]
        rows.append([s.label, _('endast totalpoäng'),
                     _('totalt %s') % points(s.total, catalogue.max)])
    if not rows:
        return []
    # A rubric, not a table title: titled tables need numbers, which exist
    # only for documents.
    return [
        nodes.paragraph('', _('Utvärderingar utan poäng för delområdet (räknas som '
                              'kända endast så, inte som noll):'),
                        classes=['kompass-known-otherwise-head']),
        build_table([30, 30, 40], rows,
                    head=[_('Utvärdering'), _('Känd genom'), _('Poäng')],
                    classes=['kompass-known-otherwise']),
    ]


def _statistics(figures: CriterionFigures) -> nodes.table:
    s = figures.stats
    rows: list[list[Any]] = [
        [_('Slutliga utvärderingar med poäng'), s.n if s else 0],
        [_('Medelvärde'), decimal(s.mean if s else None)],
        [_('Median'), decimal(s.median if s else None)],
        [_('Nedre och övre kvartil'), f'{decimal(s.q1)}–{decimal(s.q3)}' if s else '–'],
        [_('Lägst och högst'), f'{s.lowest}–{s.highest}' if s else '–'],
        [_('Standardavvikelse'), decimal(s.sd if s else None)],
        [_('Andel av max (medel)'), percent(figures.share)],
        [_('Kända endast som områdespoäng'), len(figures.area_only)],
        [_('Kända endast som totalpoäng'), len(figures.total_only)],
    ]
    return build_table([60, 40], rows, head=[_('Mått'), _('Värde')],
                       classes=['kompass-distribution'])


def _chart(builder: StandaloneHTMLBuilder, page: str, spec: Spec,
           catalogue: Catalogue) -> nodes.Node | None:
    folder = Path(builder.outdir, builder.imagedir)
    try:
        name, _drawn = charts.ensure_file(spec, folder, 'svg')
    except Exception as exc:  # noqa: BLE001 - any drawing failure is a warning
        logs.emit(logs.Problem(
            logs.Kind.CHART,
            f'the distribution chart of criterion {spec["title"]!r} could not be drawn '
            f'({type(exc).__name__}: {exc}); its numbers are in the table beside it',
            f'{catalogue.path}:1',
        ))
        return None
    imgpath = relative_uri(builder.get_target_uri(page), builder.imagedir)
    return nodes.image('', uri=f'{imgpath}/{name}', alt=alt_text(spec),
                       classes=['kompass-chart'])


def _examples(domain: KompassDomain, builder: StandaloneHTMLBuilder, page: str,
              catalogue: Catalogue, crit: Criterion) -> nodes.Node:
    found = sorted(
        (e for e in domain.examples
         if e.catalogue == catalogue.id and e.mention.criterion == crit.id),
        key=lambda e: (e.mention.municipality, e.slug, e.mention.line),
    )
    if not found:
        return nodes.paragraph('', _('Inga goda exempel för det här delområdet ännu.'))
    rows: list[list[Any]] = []
    for e in found:
        summary = domain.summaries.get(e.slug)
        rows.append([
            municipality_link(domain, builder, page, e.mention.municipality,
                              nodes.Text(e.mention.municipality)),
            [nodes.paragraph('', '', reference(builder, page, e.mention.docname,
                                               e.mention.anchor,
                                               summary.label if summary else e.slug))],
            [nodes.paragraph('', e.mention.sentence)],
        ])
    return build_table([18, 18, 64], rows,
                       head=[_('Kommun'), _('Nämnd i'), _('Meningen')],
                       classes=['kompass-examples'])


def _motivations(domain: KompassDomain, builder: StandaloneHTMLBuilder, page: str,
                 crit: Criterion, catalogue: Catalogue) -> list[nodes.Node]:
    results = sorted(
        (r for r in domain.results.values()
         if r.catalogue == catalogue.id and crit.id in r.points),
        key=lambda r: (-(r.points[crit.id].points or 0), r.slug),
    )
    out: list[nodes.Node] = []
    for result in results:
        score = result.points[crit.id]
        text = domain.motivation(score.docname, score.anchor)
        if not text:
            continue
        summary: Summary | None = domain.summaries.get(result.slug)
        label = summary.label if summary else result.slug
        head = nodes.paragraph('', '', classes=['kompass-motivation-head'])
        head += nodes.strong('', f'{label}: {points(score.points, crit.max)}')
        head += nodes.Text(' ')
        head += reference(builder, page, score.docname, score.anchor,
                          _('Läs hela bedömningen'))
        out.append(head)
        out.append(nodes.block_quote('', nodes.paragraph('', text),
                                     classes=['kompass-motivation']))
    if not out:
        out.append(nodes.paragraph('', _(
            'Rapporterna i underlaget har ingen text under poängen för det här delområdet.')))
    return out


def _page_body(domain: KompassDomain, builder: StandaloneHTMLBuilder, page: str,
               catalogue: Catalogue, area: Area, crit: Criterion,
               calibration: Calibration) -> tuple[nodes.Element, list[Section]]:
    """The page's introduction and its sections, each under a real heading."""
    figures = calibration.criterion(catalogue.id, crit.id)
    assert figures is not None  # every criterion of a usable catalogue has figures
    intro = nodes.container(classes=['kompass-criterion'])
    intro += nodes.paragraph('', _('Delområde i område %s %s, %s. Högst %d poäng.') % (
        area.id, area.title, catalogue.title, crit.max))
    scored = nodes.container()
    rows = _scored_rows(domain, builder, page, catalogue, crit)
    if rows:
        scored += build_table(
            [20, 22, 12, 12, 34], rows,
            head=[_('Kommun'), _('Utvärdering'), _('Poäng'), _('Andel av max'),
                  _('Bedömning eller källa')],
            classes=['kompass-scored', 'kompass-sortable'],
        )
    else:
        scored += nodes.paragraph('', _('Ingen utvärdering i underlaget har poäng för det '
                                        'här delområdet.'))
    if any(not s.final for s in domain.summaries.values()
           if s.criteria == catalogue.id and crit.id in s.points):
        scored += nodes.paragraph('', _('Utkast visas i listan men ingår inte i siffrorna '
                                        'nedan.'))
    scored.extend(_known_otherwise(domain, figures, area, catalogue))
    distribution = nodes.container()
    spec = distribution_spec(figures, domain.summaries, builder.config.language or '')
    if spec is not None:
        image = _chart(builder, page, spec, catalogue)
        if image is not None:
            distribution += nodes.container('', image, nodes.paragraph(
                '', _('Varje punkt är en slutlig utvärdering; det skuggade bandet är den '
                      'mittersta hälften (kvartilerna), den heldragna linjen medianen och '
                      'den streckade det högsta möjliga.'), classes=['caption']),
                classes=['kompass-figure'])
    distribution += _statistics(figures)
    if figures.small:
        distribution += nodes.paragraph('', _(
            'Litet underlag: färre än %d slutliga utvärderingar har poäng för delområdet. '
            'Siffrorna visar vad som finns, men säger lite om hur delområdet brukar '
            'bedömas.') % calibration.small_sample, classes=['kompass-small-sample'])
    examples = nodes.container('', _examples(domain, builder, page, catalogue, crit))
    motivations = nodes.container()
    motivations.extend(_motivations(domain, builder, page, crit, catalogue))
    return intro, [
        Section(_('Utvärderingar'), 'utvarderingar', scored),
        Section(_('Fördelning'), 'fordelning', distribution),
        Section(_('Goda exempel'), 'goda-exempel', examples),
        Section(_('Så motiverade utvärderarna poängen'), 'motiveringar', motivations),
    ]


def criteria_in_order(domain: KompassDomain) -> Iterator[tuple[str, Catalogue, Area,
                                                              Criterion]]:
    """(page, catalogue, area, criterion) of every generated criterion page."""
    pages = criterion_pages(domain.catalogues)
    for cid in sorted(domain.catalogues):
        catalogue = domain.catalogues[cid]
        for area in catalogue.areas:
            for crit in area.criteria:
                page = pages.get((cid, crit.id))
                if page is not None and (area, crit) == catalogue.criterion(crit.id):
                    yield page, catalogue, area, crit


def _shows(domain: KompassDomain, builder: StandaloneHTMLBuilder, catalogue: Catalogue,
           area: Area, crit: Criterion, calibration: Calibration,
           municipality_pages: object) -> object:
    """Everything a criterion's page shows (see ``GeneratedPages.add``): each
    evaluation of the catalogue at this criterion's levels, the reports' scores
    and motivations, the good examples, and where municipality pages are."""
    evaluations = []
    for s in domain.summaries.values():
        if s.criteria != catalogue.id:
            continue
        # Only the level the page shows the evaluation at: its points, else its
        # area score, else its total (so a score elsewhere leaves the page be).
        shown = (s.points.get(crit.id), None, None) if crit.id in s.points else (
            (None, s.areas.get(area.id), None) if area.id in s.areas else (None, None, s.total))
        evaluations.append((s.slug, s.label, s.municipality, s.final, s.sort_date, s.docname,
                            s.source, shown))
    scores = []
    for result in domain.derived.reports.values():
        score = result.points.get(crit.id) if result.catalogue == catalogue.id else None
        if score is not None:
            scores.append((result.slug, score.docname, score.anchor,
                           domain.motivation(score.docname, score.anchor)))
    examples = [e for e in domain.examples
                if e.catalogue == catalogue.id and e.mention.criterion == crit.id]
    # A chart that could not be drawn makes its page again (and warns again).
    figures = calibration.criterion(catalogue.id, crit.id)
    spec = None if figures is None else distribution_spec(
        figures, domain.summaries, builder.config.language or '')
    drawn = spec is not None and Path(builder.outdir, builder.imagedir,
                                      charts.file_name(spec, 'svg')).is_file()
    return (catalogue.digest, sorted(evaluations), sorted(scores), examples,
            municipality_pages, calibration.small_sample, drawn)


def collect_criterion_pages(app: Sphinx) -> Iterator[Page]:
    """html-collect-pages: one page per criterion, made from the env."""
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    if builder.name not in PAGE_BUILDERS:
        return
    domain = get_domain(app.env)
    calibration = calibration_of(domain, app.config)
    pages = GeneratedPages(app, FOLDER)
    municipality_pages = sorted(domain.derived.pages.items())
    for page, catalogue, area, crit in criteria_in_order(domain):
        if pages.taken(page, f'the page of criterion {crit.id} of catalogue '
                             f'{catalogue.id!r}'):
            continue
        pages.add(
            page, _('Delområde %s %s') % (crit.id, crit.title),
            partial(_shows, domain, builder, catalogue, area, crit, calibration,
                    municipality_pages),
            partial(_page_body, domain, builder, page, catalogue, area, crit, calibration),
        )
    yield from pages.write()


def charts_in_use(domain: KompassDomain, config: Config,
                  documents: Set[str]) -> list[tuple[Spec, Catalogue]]:
    """The distribution charts the criterion pages show (not those of pages
    a hand-written document stands in for), each with its catalogue."""
    calibration = calibration_of(domain, config)
    specs = []
    for page, catalogue, _area, crit in criteria_in_order(domain):
        figures = calibration.criterion(catalogue.id, crit.id)
        if page in documents or figures is None:
            continue
        spec = distribution_spec(figures, domain.summaries, config.language or '')
        if spec is not None:
            specs.append((spec, catalogue))
    return specs


def setup_criterion_pages(app: Sphinx) -> None:
    """Generate the criterion pages in HTML builds."""
    app.connect('html-collect-pages', collect_criterion_pages)

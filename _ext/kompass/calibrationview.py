"""``{calibration}``: the calibration page's tables, for the evaluators.

Per criterion: how many final evaluations scored it, mean, median, quartiles,
range, standard deviation and the share of the maximum reached; the criteria
whose scores spread most; per evaluator (from ``:evaluators:``): how many
evaluations and how far their points lie from everyone's mean. Every figure
shows the number behind it, and small samples say so. The numbers come from
``calibration.py``, the same that ``make scores`` exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives

from . import nodes as kn
from .calibration import (
    Calibration,
    CriterionFigures,
    calibrate,
    decimal,
    percent,
    signed,
)
from .criterionlinks import criterion_link
from .directives import _KompassDirective
from .domain import SITE_SCOPE, KompassDomain, get_domain
from .labels import _
from .logs import Kind
from .tables import build_table, compact

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import OptionSpec

    from .views import ViewContext

#: The default of ``kompass_small_sample``.
DEFAULT_SMALL_SAMPLE = 5


def small_sample(config: Config) -> int:
    """``kompass_small_sample``: fewer evaluations than this make a small sample."""
    value = config.kompass_small_sample
    return value if isinstance(value, int) and value > 0 else DEFAULT_SMALL_SAMPLE


def calibration_of(domain: KompassDomain, config: Config) -> Calibration:
    """The calibration of every evaluation the domain knows (once per build:
    the calibration page, the criterion pages and the export ask)."""
    small = small_sample(config)

    def compute() -> Calibration:
        evaluators = {r.slug: r.record.evaluators for r in domain.results.values()}
        return calibrate(domain.summaries, domain.catalogues, evaluators, small)
    return domain.memo(f'calibration:{small}', compute)


def _label(domain: KompassDomain, slug: str) -> str:
    summary = domain.summaries.get(slug)
    return summary.label if summary is not None else slug


def _sample(small: bool) -> str:
    """The "Underlag" (sample) column: ``litet`` for a small sample."""
    return _('litet') if small else ''


def _criterion_cell(ctx: ViewContext, f: CriterionFigures) -> nodes.Node:
    return criterion_link(ctx.domain, ctx.builder, ctx.docname, f.catalogue, f.criterion,
                          nodes.Text(f'{f.criterion} {f.title}'))


def _criteria_table(ctx: ViewContext, figures: list[CriterionFigures], title: str,
                    ) -> nodes.table:
    rows: list[list[Any]] = []
    for f in figures:
        s = f.stats
        rows.append([
            _criterion_cell(ctx, f), f.max, s.n if s else 0,
            decimal(s.mean if s else None), decimal(s.median if s else None),
            f'{decimal(s.q1)}–{decimal(s.q3)}' if s else '–',
            f'{s.lowest}–{s.highest}' if s else '–',
            decimal(s.sd if s else None), percent(f.share),
            len(f.area_only), len(f.total_only), _sample(f.small),
        ])
    return build_table(
        [17, 6, 6, 6, 7, 9, 9, 10, 7, 8, 7, 8], rows,
        head=[_('Delområde'), _('Max'), _('Antal'), _('Medel'), _('Median'),
              _('Kvartiler'), _('Lägst och högst'), _('Standardavvikelse'), _('Andel av max'),
              _('Endast område'), _('Endast total'), _('Underlag')],
        title=title, classes=['kompass-calibration', 'kompass-sortable'],
    )


def _spread_table(ctx: ViewContext, calibration: Calibration, catalogue: str,
                  figures: list[CriterionFigures]) -> nodes.Node:
    by_id = {f.criterion: f for f in figures}
    rows: list[list[Any]] = []
    for cid in calibration.spread_most.get(catalogue, ()):
        f = by_id[cid]
        s = f.stats
        assert s is not None and s.sd is not None  # only such are listed
        rows.append([
            _criterion_cell(ctx, f), decimal(s.sd), percent(f.relative_sd),
            f'{s.lowest}–{s.highest}', s.n, _sample(f.small),
        ])
    if not rows:
        return nodes.paragraph('', _('Inget delområde har poäng från två eller fler '
                                     'slutliga utvärderingar ännu.'))
    return build_table(
        [40, 12, 14, 12, 10, 12], rows,
        head=[_('Delområde'), _('Standardavvikelse'), _('i andel av max'), _('Lägst och högst'),
              _('Antal'), _('Underlag')],
        title=_('Störst spridning'), classes=['kompass-spread'],
    )


def _evaluator_table(ctx: ViewContext, calibration: Calibration) -> nodes.Node:
    if not calibration.evaluators:
        return nodes.paragraph('', _('Ingen slutlig rapport anger utvärderare ännu.'))
    rows: list[list[Any]] = []
    for e in calibration.evaluators:
        rows.append([
            e.name, len(e.evaluations),
            ', '.join(_label(ctx.domain, slug) for slug in e.evaluations),
            e.compared, signed(e.mean_difference), signed(
                None if e.mean_difference_share is None else e.mean_difference_share * 100),
            _sample(e.small),
        ])
    return build_table(
        [20, 8, 28, 10, 12, 12, 10], rows,
        head=[_('Utvärderare'), _('Utvärderingar'), _('Vilka'), _('Jämförda poäng'),
              _('Medelavvikelse (poäng)'), _('Medelavvikelse (procentenheter av max)'),
              _('Underlag')],
        title=_('Utvärderarna'), classes=['kompass-evaluators', 'kompass-sortable'],
    )


def calibration_tables(ctx: ViewContext) -> list[nodes.Node]:
    """The calibration page's tables (``catalogue``: one catalogue, or every one)."""
    calibration = calibration_of(ctx.domain, ctx.builder.config)
    wanted = ctx.node.get('catalogue') or ''
    out: list[nodes.Node] = [nodes.paragraph('', _(
        'Siffrorna bygger på slutliga utvärderingar. En utvärdering som bara är känd '
        'genom sin områdespoäng eller totalpoäng räknas som sådan (kolumnerna Endast '
        'område och Endast total), aldrig som noll. Färre än %d utvärderingar bakom en '
        'siffra är ett litet underlag och markeras så.') % calibration.small_sample)]
    for cid, catalogue in sorted(ctx.domain.catalogues.items()):
        if (wanted and cid != wanted) or not catalogue.usable:
            continue
        figures = [f for f in calibration.criteria if f.catalogue == cid]
        out.extend(compact(_criteria_table(ctx, figures, catalogue.title)))
        out.append(_spread_table(ctx, calibration, cid, figures))
    out.append(_evaluator_table(ctx, calibration))
    out.append(nodes.paragraph('', _(
        'Medelavvikelse: utvärderarens poäng minus medelvärdet för alla slutliga '
        'utvärderingar av samma delområde (de egna inräknade), i medel över de '
        'delområden som minst två utvärderingar har poäng för. Ett positivt tal betyder '
        'högre poäng än genomsnittet. Ett namn räknas så som det står i rapportens '
        'lista över utvärderare.')))
    return out


class CalibrationDirective(_KompassDirective):
    """``{calibration}``: the calibration tables (``:criteria:`` limits them to
    one catalogue)."""

    option_spec: ClassVar[OptionSpec] = {'criteria': directives.unchanged}

    def declare(self) -> list[nodes.Node]:
        wanted = (self.options.get('criteria') or '').strip()
        domain = get_domain(self.env)
        domain.note_aggregate(self.env.docname, SITE_SCOPE, self.lineno)
        if wanted and wanted not in domain.catalogues:
            known = ', '.join(sorted(domain.catalogues)) or 'none'
            self.problem(
                Kind.CATALOGUE,
                f'calibration: unknown criteria catalogue {wanted!r}; known catalogues: '
                f'{known}',
            )
        for catalogue in domain.catalogues.values():
            self.env.note_dependency(catalogue.path)
        return [self.placeholder(kn.calibration_tables, catalogue=wanted)]


def setup_calibration(app: Sphinx) -> None:
    """Register ``{calibration}`` and the small-sample threshold."""
    app.add_config_value(
        'kompass_small_sample', DEFAULT_SMALL_SAMPLE, 'env', types=frozenset({int}),
        description='Fewer evaluations than this behind a figure mark it as a small sample.',
    )
    app.add_directive('calibration', CalibrationDirective)

"""Links to the comparison page, pre-filled with an evaluation and its previous.

Every report's header and every municipality page links to the comparison
(``{compare-evaluations}``, see ``comparepage.py``) with that evaluation and
the one before it selected. The link is part of the view that shows it, so
its page is rewritten when the link changes (``rewrites.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from docutils import nodes

from .labels import _
from .siteviews import PAGE_BUILDERS

if TYPE_CHECKING:
    from sphinx.builders import Builder

    from .comparison import Summary
    from .domain import KompassDomain

#: The aggregate scope a comparison page notes, so links can find it.
COMPARE_SCOPE = 'compare'
#: The query key of the pre-filled evaluations: ``jamfor.html?jamfor=a,b`` (a
#: query, not a fragment: a fragment names an anchor of the page).
QUERY_KEY = 'jamfor'


def compare_page(domain: KompassDomain) -> str | None:
    """The document holding ``{compare-evaluations}`` (the first, by name);
    looked up once per build, since every report header asks."""
    def find() -> str | None:
        pages = sorted(d for d, scopes in domain.aggregates().items() if COMPARE_SCOPE in scopes)
        return pages[0] if pages else None
    return domain.memo('compare_page', find)


def previous_of(domain: KompassDomain, summary: Summary) -> Summary | None:
    """The evaluation before *summary*: its report's ``:previous:`` when that is
    known and of the same criteria, else the municipality's evaluation before
    it with the same criteria."""
    result = domain.derived.reports.get(summary.slug)
    named = domain.summaries.get(result.record.previous or '') if result else None
    if named is not None and named.slug != summary.slug and named.criteria == summary.criteria:
        return named
    earlier = [
        s for s in domain.derived.histories.get(summary.municipality, [])
        if s.criteria == summary.criteria
        and (s.sort_date, s.slug) < (summary.sort_date, summary.slug)
    ]
    return earlier[-1] if earlier else None


def prefill(domain: KompassDomain, summary: Summary) -> tuple[str, ...]:
    """The slugs a link to the comparison selects: the evaluation, its previous."""
    before = previous_of(domain, summary)
    return (summary.slug,) if before is None else (summary.slug, before.slug)


def relative(uri: str) -> str:
    """*uri* (relative, from the builder) as a path that no browser reads as
    a scheme: a document named ``javascript:x`` gives ``./javascript:x.html``."""
    return uri if uri.startswith(('./', '../', '#')) else './' + uri


def query(slugs: tuple[str, ...]) -> str:
    """``?jamfor=a,b`` (slugs are ASCII already; quoted all the same)."""
    return f'?{QUERY_KEY}=' + ','.join(quote(s, safe='') for s in slugs)


def link_text(domain: KompassDomain, summary: Summary) -> str:
    """``Jämför Karlskrona 2022 med Karlskrona 2018``."""
    before = previous_of(domain, summary)
    if before is None:
        return _('Jämför %s med andra utvärderingar') % summary.label
    return _('Jämför %s med %s') % (summary.label, before.label)


def compare_link(domain: KompassDomain, builder: Builder, fromdocname: str,
                 summary: Summary) -> nodes.paragraph | None:
    """The pre-filled link from *fromdocname*, where the builder writes pages
    and the site has a comparison page."""
    page = compare_page(domain)
    if page is None or builder.name not in PAGE_BUILDERS:
        return None
    uri = relative(builder.get_relative_uri(fromdocname, page)) + query(
        prefill(domain, summary))
    reference = nodes.reference('', link_text(domain, summary), internal=True, refuri=uri)
    return nodes.paragraph('', '', reference, classes=['kompass-compare-link'])


def shown_link(domain: KompassDomain, summary: Summary | None) -> object:
    """What a link to the comparison shows, for the fingerprint of its page."""
    if summary is None:
        return None
    return (compare_page(domain), prefill(domain, summary), link_text(domain, summary))

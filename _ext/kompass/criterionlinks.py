"""Where each criterion's generated page is, and links to it.

A criterion page's name depends on the catalogues alone (read anew on every
build), so nothing is stored for it: ``kriterier/<catalogue>/<criterion>``
with both parts in lower-case ASCII (``kriterier/kommunkompassen-2020/1-1``).
An id in a catalogue is data, so it never reaches a file name as written.

This module imports no view module, so the views in ``views.py`` and
``siteviews.py`` can link criteria without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .values import ascii_name

if TYPE_CHECKING:
    from sphinx.builders import Builder

    from .catalogue import Catalogue
    from .domain import KompassDomain

#: The folder of the generated criterion pages.
FOLDER = 'kriterier'


def criterion_pages(catalogues: Mapping[str, Catalogue]) -> dict[tuple[str, str], str]:
    """(catalogue id, criterion id) -> the docname of its generated page.

    Ids that make the same ASCII name (``1.1`` and ``1-1``) get a number each,
    in catalogue order, so every criterion has a page of its own. Worked out
    once per set of catalogue files (it is asked for every link).
    """
    key = tuple(sorted((cid, cat.digest, cat.usable) for cid, cat in catalogues.items()))
    cached = _PAGES.get(key)
    if cached is None:
        cached = _PAGES[key] = _criterion_pages(catalogues)
        while len(_PAGES) > 8:
            _PAGES.pop(next(iter(_PAGES)))
    return cached


_PAGES: dict[tuple[tuple[str, str, bool], ...], dict[tuple[str, str], str]] = {}


def _criterion_pages(catalogues: Mapping[str, Catalogue]) -> dict[tuple[str, str], str]:
    pages: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    tried: dict[str, int] = {}  # base -> the last number tried (no quadratic probing)
    for cid in sorted(catalogues):
        catalogue = catalogues[cid]
        if not catalogue.usable:
            continue
        folder = f'{FOLDER}/{ascii_name(cid) or "katalog"}'
        for area in catalogue.areas:
            for crit in area.criteria:
                if (cid, crit.id) in pages:
                    continue  # an id given twice (warned); its first counts
                base = f'{folder}/{ascii_name(crit.id) or "kriterium"}'
                page, n = base, tried.get(base, 1)
                while page in taken:
                    n += 1
                    page = f'{base}-{n}'
                tried[base] = n
                taken.add(page)
                pages[(cid, crit.id)] = page
    return pages


def criterion_docname(domain: KompassDomain, catalogue: str, criterion: str) -> str | None:
    """The docname of a criterion's page, if the catalogue has the criterion."""
    return criterion_pages(domain.catalogues).get((catalogue, criterion))


def criterion_link(
    domain: KompassDomain, builder: Builder, fromdocname: str, catalogue: str,
    criterion: str, *children: nodes.Node, **attributes: Any,
) -> nodes.Node:
    """*children* linked to the criterion's page where the builder writes the
    generated pages; elsewhere (PDF, text) the children as they are."""
    from .siteviews import PAGE_BUILDERS  # siteviews imports this module

    page = criterion_docname(domain, catalogue, criterion)
    if builder.name not in PAGE_BUILDERS or page is None:
        return children[0] if len(children) == 1 else nodes.inline('', '', *children)
    uri = builder.get_relative_uri(fromdocname, page)
    return nodes.reference('', '', *children, internal=True, refuri=uri, **attributes)

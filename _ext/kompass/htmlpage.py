"""What an HTML page tells its reader about where it is, in any theme.

- Every page of a report has a title naming the municipality and year
  ("Område 1 … – Karlskrona 2022"): in the browser tab, in bookmarks and in
  the search results, which Sphinx takes from the same title.
- Every page of a report opens with a bar naming the report and linking its
  PDF; printed, the bar heads the first sheet and every sheet's margin repeats
  the report's name.
- The site offers the score data: ``data/scores.csv`` and ``data/scores.json``
  are written with every HTML build, and the templates get the download links.

PDFs are made by ``make latexpdf``; ``make site`` copies them into
``<html>/pdf/`` (see :mod:`kompass.publish`), where these links point.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from docutils import nodes
from sphinx.util.osutil import relative_uri

from .calibrationview import small_sample
from .domain import PER_DOC, get_domain
from .export import export_data, to_csv, to_json
from .latex import evaluation_documents

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from .domain import KompassDomain

#: Builders whose pages are the published site (not epub, not singlehtml).
SITE_BUILDERS = frozenset({'html', 'dirhtml'})

#: Where the published site keeps the PDFs and the score data.
PDF_DIR = 'pdf'
DATA_DIR = 'data'

#: Pages whose title this module extended, kept across builds in the
#: environment so a page that leaves a report gets its own title back.
_TITLED = 'kompass_titled_docs'

_SEP = ' – '


class Report(NamedTuple):
    """The report a page belongs to, as the page shows it."""

    #: "Karlskrona 2022".
    label: str
    slug: str
    #: The report's first page.
    docname: str
    #: The PDF ``make latexpdf`` writes for it (``karlskrona-2022.pdf``), if any.
    pdf: str | None


def report_of(env: BuildEnvironment, docname: str) -> Report | None:
    """The report *docname* is a page of, or None outside reports."""
    domain = get_domain(env)
    result = domain.result_for(docname)
    if result is None:
        return None
    rec = result.record
    summary = domain.summaries.get(result.slug)
    if summary is not None:
        label = summary.label
    else:
        label = ' '.join(str(p) for p in (rec.municipality or result.slug, rec.year) if p)
    return Report(label, result.slug, rec.docname, _pdf_name(env, rec.docname))


def _pdf_name(env: BuildEnvironment, startdoc: str) -> str | None:
    """The PDF of the LaTeX document that starts at *startdoc*, if there is one."""
    for entry in env.config.latex_documents:
        if entry[0] == startdoc and str(entry[1]).endswith('.tex'):
            return str(entry[1]).removesuffix('.tex') + '.pdf'
    if env.config.kompass_pdf_per_evaluation:
        domain = get_domain(env)
        pdfs = domain.memo('pdfs', lambda: {
            d.result.record.docname: d.target.removesuffix('.tex') + '.pdf'
            for d in evaluation_documents(domain, env.config)
        })
        return pdfs.get(startdoc)
    return None


def _names_report(title: str, report: Report) -> bool:
    """Whether *title* already says which report it is ("… Karlskrona 2022")."""
    return all(part in title for part in report.label.split())


def set_titles(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-updated: the title of each report page names its report.

    Sphinx takes a page's ``<title>`` and its search-result title from
    ``env.longtitles``; they are derived here from the page's own heading on
    every build, so the result is the same whether or not the page was re-read.
    Returns the pages whose title changed, so they are written again.
    """
    before: Set[str] = getattr(env, _TITLED, frozenset())
    titled: set[str] = set()
    changed: list[str] = []
    for docname in sorted(env.all_docs):
        heading = env.titles.get(docname)
        if heading is None:
            continue
        report = report_of(env, docname)
        title = heading.deepcopy()
        if report is not None and not _names_report(heading.astext(), report):
            title += nodes.Text(_SEP + report.label)
            titled.add(docname)
        elif docname not in before:
            continue  # never touched: keep what Sphinx (or a title option) made
        current = env.longtitles.get(docname)
        if current is None or current.astext() != title.astext():
            env.longtitles[docname] = title
            changed.append(docname)
    setattr(env, _TITLED, frozenset(titled))
    return changed


def _css_string(text: str) -> str:
    """*text* as a CSS string literal that cannot end the string or the style."""
    return '"' + re.sub(r'[^\w \-–.,()]', lambda m: f'\\{ord(m[0]):x} ', text) + '"'


def report_bar(report: Report, builder: Builder, pagename: str) -> str:
    """The bar that opens every page of a report: its name, its PDF."""
    index = builder.get_relative_uri(pagename, report.docname)
    parts = [
        '<div class="kompass-report-bar">',
        '<p class="kompass-report-name"><span class="kompass-print-only">Kommunkompassen'
        f'{_SEP}</span>Rapport: <a href="{html.escape(index)}">{html.escape(report.label)}</a></p>',
    ]
    if report.pdf is not None:
        target = relative_uri(builder.get_target_uri(pagename), f'{PDF_DIR}/{quote(report.pdf)}')
        parts.append(
            f'<p class="kompass-report-pdf"><a href="{html.escape(target)}" '
            f'type="application/pdf">Hela rapporten som PDF</a></p>'
        )
    parts.append('</div>')
    # Each printed sheet names the report in its top margin.
    parts.append(
        '<style media="print">@page { @top-left { content: '
        f'{_css_string("Kommunkompassen" + _SEP + report.label)}; }} }}</style>'
    )
    return '\n'.join(parts) + '\n'


def downloads(env: BuildEnvironment) -> list[tuple[str, str, str]]:
    """(label, path in the site, media type) of what the site offers to download."""
    offered = [
        ('Poängen som CSV', f'{DATA_DIR}/scores.csv', 'text/csv'),
        ('Poängen som JSON', f'{DATA_DIR}/scores.json', 'application/json'),
    ]
    site_pdf = _pdf_name(env, env.config.root_doc)
    if site_pdf is not None:
        offered.append(('Hela webbplatsen som PDF', f'{PDF_DIR}/{site_pdf}', 'application/pdf'))
    return offered


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                 doctree: nodes.document | None) -> None:
    """html-page-context: the report bar, and the downloads for the templates."""
    if app.builder.name not in SITE_BUILDERS:
        return
    context['kompass_downloads'] = downloads(app.env)
    report = report_of(app.env, pagename) if doctree is not None else None
    context['kompass_report'] = report
    if 'body' not in context:
        return
    # docutils marks a bibliography's entries with the deprecated DPUB role
    # doc-biblioentry inside role="list", which screen readers then do not
    # announce as a list (axe: aria-required-children, critical).
    body = context['body'].replace(' role="doc-biblioentry"', ' role="listitem"')
    if report is not None:
        body = report_bar(report, app.builder, pagename) + body
    context['body'] = body


def write_data(app: Sphinx, exception: BaseException | None) -> None:
    """build-finished: the score data as published downloads (same as ``make scores``)."""
    if exception is not None or app.builder.name not in SITE_BUILDERS:
        return
    from . import __version__

    domain: KompassDomain = get_domain(app.env)
    folder = Path(app.outdir, DATA_DIR)
    # What the export is made from: every record (with its file and line),
    # the data files, and where the sources are. Unchanged, the files written
    # last time stand.
    inputs = domain.inputs
    small = small_sample(app.config)
    source = hashlib.sha1(repr((
        [sorted(domain.data[key].items()) for key in PER_DOC if key != 'problems'],
        sorted((cid, cat.digest) for cid, cat in inputs.catalogues.items()),
        inputs.score_data.digest, inputs.score_data_path, inputs.published,
        inputs.register, str(app.srcdir), app.config.source_suffix,
        small, __version__,
    )).encode('utf-8')).hexdigest()
    stamp = folder / '.kompass-data'
    names = ('scores.json', 'scores.csv')
    if (stamp.is_file() and stamp.read_text(encoding='utf-8') == source
            and all((folder / name).is_file() for name in names)):
        return
    data = export_data(domain, Path(app.srcdir), app.env.doc2path, __version__, small)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (('scores.json', to_json(data)), ('scores.csv', to_csv(data, domain))):
        path = folder / name
        if not path.is_file() or path.read_text(encoding='utf-8') != text:
            path.write_text(text, encoding='utf-8')
    stamp.write_text(source, encoding='utf-8')


def setup_htmlpage(app: Sphinx) -> None:
    """Register the page titles, the report bar and the data downloads."""
    app.connect('env-updated', set_titles, priority=600)  # after the domain's totals
    app.connect('html-page-context', page_context)
    app.connect('build-finished', write_data)
    app.add_css_file('kompass-page.css')
    app.add_js_file('kompass-page.js')

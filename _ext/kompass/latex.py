"""One PDF per evaluation: LaTeX documents found from the reports, and a title
page in the spirit of SKR's cover (Kommunkompassen, Analys av <kommun>, the
date, the evaluators, SKR)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.texescape import escape

from .domain import get_domain
from .labels import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

_FENCE = re.compile(
    r'^(?P<fence>`{3,}|:{3,})\{evaluation\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$',
    re.M | re.S,
)
_OPTION = re.compile(r'^:(?P<name>[\w-]+):[ \t]*(?P<value>.*)$', re.M)

MONTHS = ('januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli',
          'augusti', 'september', 'oktober', 'november', 'december')

#: Put in ``latex_elements['maketitle']``: the evaluation's title page where
#: there is one for this PDF, Sphinx's own elsewhere.
MAKETITLE = (
    r'\IfFileExists{kompass-title-\jobname.ltx}'
    r'{\input{kompass-title-\jobname.ltx}}{\sphinxmaketitle}'
)


def swedish_date(iso: str) -> str:
    """``2022-08-16`` -> ``16 augusti 2022``."""
    year, month, day = (int(part) for part in iso.split('-'))
    return f'{day} {MONTHS[month - 1]} {year}'


def _options(text: str) -> dict[str, str] | None:
    match = _FENCE.search(text)
    if match is None:
        return None
    return {m['name']: m['value'].strip() for m in _OPTION.finditer(match['body'])}


def document_title(municipality: str) -> str:
    """``Analys av Karlskrona kommun`` (names already ending in kommun/stad kept)."""
    if municipality.lower().endswith((' kommun', ' stad')):
        return _('Analys av %s') % municipality
    return _('Analys av %s kommun') % municipality


def add_evaluation_documents(app: Sphinx, config: Config) -> None:
    """config-inited: a LaTeX document per report folder, found on disk.

    Runs before Sphinx compares configurations, and gives the same list for
    the same reports, so it never forces a rebuild by itself.
    """
    if not config.kompass_pdf_per_evaluation:
        return
    reports = Path(app.srcdir, config.kompass_reports_dir)
    documents = list(config.latex_documents)
    targets = {doc[1] for doc in documents}
    for index in sorted(reports.glob('*/index.md')):
        try:
            options = _options(index.read_text(encoding='utf-8'))
        except (OSError, UnicodeDecodeError):
            continue  # the build itself reports an unreadable document
        if options is None:
            continue
        slug = index.parent.name
        if f'{slug}.tex' in targets:
            continue
        municipality = options.get('municipality') or slug
        evaluators = options.get('evaluators') or config.author
        startdoc = index.relative_to(app.srcdir).with_suffix('').as_posix()
        documents.append(
            (startdoc, f'{slug}.tex', document_title(municipality), evaluators, 'manual')
        )
    config.latex_documents = documents
    if 'maketitle' not in config.latex_elements:
        config.latex_elements = {**config.latex_elements, 'maketitle': MAKETITLE}


def write_title_pages(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: a title page for each evaluation's LaTeX document."""
    if exception is not None or app.builder.format != 'latex':
        return
    domain = get_domain(app.env)
    engine = app.config.latex_engine
    by_doc = {r.record.docname: r for r in domain.results.values()}
    for startdoc, target, *_rest in app.config.latex_documents:
        result = by_doc.get(startdoc)
        if result is None:
            continue
        rec = result.record
        lines = [
            r'\begin{titlepage}',
            r'\centering\sffamily',
            r'\vspace*{3cm}',
            r'{\fontsize{36}{42}\selectfont\bfseries Kommunkompassen\par}',
            r'\vspace{1.5cm}',
            r'{\LARGE ' + escape(document_title(rec.municipality or rec.slug), engine)
            + r'\par}',
            r'\vspace{1cm}',
        ]
        if rec.date:
            lines.append(r'{\Large ' + escape(swedish_date(rec.date), engine) + r'\par}')
        elif rec.year:
            lines.append(r'{\Large ' + str(rec.year) + r'\par}')
        if rec.evaluators:
            lines += [
                r'\vspace{2cm}',
                r'{\large ' + escape(_('Utvärderare'), engine) + r'\par}',
                r'\vspace{0.3cm}',
                r'{\large ' + escape(', '.join(rec.evaluators), engine) + r'\par}',
            ]
        lines += [
            r'\vfill',
            r'{\Large Sveriges Kommuner och Regioner\par}',
            r'\end{titlepage}',
            '',
        ]
        # Not .tex: Sphinx's LaTeX Makefile compiles every *.tex as a document.
        name = 'kompass-title-' + target.removesuffix('.tex') + '.ltx'
        Path(app.outdir, name).write_text('\n'.join(lines), encoding='utf-8')


def setup_latex(app: Sphinx) -> None:
    """Register the settings and handlers for per-evaluation PDFs."""
    app.add_config_value(
        'kompass_pdf_per_evaluation', True, '', types=frozenset({bool}),
        description='Add a LaTeX document (one PDF) for every report folder.',
    )
    app.add_config_value(
        'kompass_reports_dir', 'reports', 'env', types=frozenset({str}),
        description='Folder (relative to the source folder) of the report folders.',
    )
    app.connect('config-inited', add_evaluation_documents)
    app.connect('build-finished', write_title_pages)

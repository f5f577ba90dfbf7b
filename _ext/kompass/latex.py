"""One PDF per evaluation: a LaTeX document for each report the domain holds,
with a title page in the spirit of SKR's cover (Kommunkompassen, Analys av
<kommun>, the date, the evaluators, SKR).

The documents come from the parsed ``{evaluation}`` records after reading, not
from the files on disk: only a report whose folder is its slug (lower-case
ASCII, checked by ``scoring.py``) gets one, so a folder's name never reaches
LaTeX's Makefile or a shell; every value that reaches LaTeX is escaped.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sphinx.builders.latex import LaTeXBuilder
from sphinx.util.i18n import format_date
from sphinx.util.template import LaTeXRenderer
from sphinx.util.texescape import escape

from .domain import KompassDomain, get_domain
from .labels import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .scoring import EvaluationResult

TEMPLATES = Path(__file__).parent / 'templates'

#: Put in ``latex_elements['maketitle']``: the evaluation's title page where
#: there is one for this PDF, Sphinx's own elsewhere.
MAKETITLE = (
    r'\IfFileExists{kompass-title-\jobname.ltx}'
    r'{\input{kompass-title-\jobname.ltx}}{\sphinxmaketitle}'
)


class EvaluationDocument(NamedTuple):
    """The LaTeX document (one PDF) of one evaluation report."""

    result: EvaluationResult
    #: ``karlskrona-2022.tex``
    target: str
    #: ``Analys av Karlskrona kommun`` (plain text, not yet escaped).
    title: str


def document_title(official_name: str) -> str:
    """``Analys av Karlskrona kommun``."""
    return _('Analys av %s') % official_name


def evaluation_documents(domain: KompassDomain, config: Config) -> list[EvaluationDocument]:
    """A document for every report folder ``<reports>/<slug>/`` whose name is its slug."""
    found = []
    for result in sorted(domain.results.values(), key=lambda r: r.slug):
        rec = result.record
        if not result.named or rec.docname != f'{rec.folder}/index':
            continue
        if posixpath.dirname(rec.folder) != config.kompass_reports_dir.strip('/'):
            continue
        title = document_title(domain.inputs.official(rec.municipality or result.slug))
        found.append(EvaluationDocument(result, f'{result.slug}.tex', title))
    return found


def title_page(document: EvaluationDocument, config: Config) -> str:
    """The LaTeX of *document*'s title page, from ``templates/titlepage.tex_t``."""
    rec = document.result.record
    date = ''
    if rec.date:
        date = format_date('%-d %B %Y', date=dt.datetime.fromisoformat(rec.date),
                           language=config.language or 'en')
    elif rec.year:
        date = str(rec.year)
    renderer = LaTeXRenderer([str(TEMPLATES)], latex_engine=config.latex_engine)
    return renderer.render('titlepage.tex_t', {
        'heading': 'Kommunkompassen',
        'title': document.title,
        'date': date,
        'evaluators_label': _('Utvärderare'),
        'evaluators': ', '.join(rec.evaluators),
        'publisher': 'Sveriges Kommuner och Regioner',
    })


class EvaluationLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, plus one document per evaluation report.

    Sphinx reads ``latex_documents`` only when writing starts, after every
    report was read; this adds the reports' documents at that moment.
    """

    def init_document_data(self) -> None:
        super().init_document_data()
        self.kompass_documents: list[EvaluationDocument] = []
        if not self.config.kompass_pdf_per_evaluation:
            return
        targets = {entry[1] for entry in self.document_data}
        engine = self.config.latex_engine
        for document in evaluation_documents(get_domain(self.env), self.config):
            if document.target in targets:
                continue  # the project configured this one itself
            rec = document.result.record
            # Sphinx puts title and author into LaTeX as they are: escape them.
            author = ', '.join(rec.evaluators) or self.config.author
            self.document_data.append((
                rec.docname, document.target, escape(document.title, engine),
                escape(author, engine), 'manual', False,
            ))
            self.titles.append((rec.folder, document.title))
            self.kompass_documents.append(document)

    def finish(self) -> None:
        super().finish()
        for document in self.kompass_documents:
            # Not .tex: LaTeX's Makefile compiles every *.tex as a document.
            name = f'kompass-title-{document.target.removesuffix(".tex")}.ltx'
            Path(self.outdir, name).write_text(
                title_page(document, self.config) + '\n', encoding='utf-8'
            )


def set_title_page(app: Sphinx, config: Config) -> None:
    """config-inited: use the evaluation's title page where there is one (a
    fixed value, so the configuration compares equal from run to run)."""
    if config.kompass_pdf_per_evaluation and 'maketitle' not in config.latex_elements:
        config.latex_elements = {**config.latex_elements, 'maketitle': MAKETITLE}


def setup_latex(app: Sphinx) -> None:
    """Register the settings, and the LaTeX builder that adds the reports' PDFs."""
    app.add_config_value(
        'kompass_pdf_per_evaluation', True, '', types=frozenset({bool}),
        description='Add a LaTeX document (one PDF) for every report folder.',
    )
    app.add_config_value(
        'kompass_reports_dir', 'reports', 'env', types=frozenset({str}),
        description='Folder (relative to the source folder) of the report folders.',
    )
    app.add_builder(EvaluationLaTeXBuilder, override=True)
    app.connect('config-inited', set_title_page)

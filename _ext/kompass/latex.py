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
from .pdftext import DECLARED, printable

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


def long_date(iso: str, config: Config) -> str:
    """``2022-08-16`` -> ``16 augusti 2022``, in the configured language."""
    return format_date('%-d %B %Y', date=dt.datetime.fromisoformat(iso),
                       language=config.language or 'en')


def _printable_values(value: object) -> object:
    """Every text in a template's context as the PDF can print it."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, (list, tuple)):
        return [_printable_values(item) for item in value]
    return value


def _render(template: str, context: dict[str, object], config: Config) -> str:
    renderer = LaTeXRenderer([str(TEMPLATES)], latex_engine=config.latex_engine)
    return renderer.render(template, {k: _printable_values(v) for k, v in context.items()})


def title_page(document: EvaluationDocument, domain: KompassDomain, config: Config) -> str:
    """The LaTeX of *document*'s title page (``templates/titlepage.tex_t``):
    the cover, the report's key facts, and the PDF's metadata."""
    result = document.result
    rec = result.record
    date = long_date(rec.date, config) if rec.date else (str(rec.year) if rec.year else '')
    catalogue = domain.catalogues.get(result.catalogue or '')
    facts: list[tuple[str, str]] = []
    if catalogue is not None:
        facts.append((_('Kriterier'), catalogue.title))
        total = _('%s av %d') % (result.total, catalogue.max)
        if result.unscored:
            total += ' ' + _('(%d delområden saknar poäng)') % len(result.unscored)
        facts.append((_('Totalpoäng'), total))
    if rec.status == 'draft':
        facts.append((_('Status'), _('Utkast')))
    evaluators = ', '.join(rec.evaluators)
    return _render('titlepage.tex_t', {
        'heading': 'Kommunkompassen',
        'title': document.title,
        'date': date,
        'evaluators_label': _('Utvärderare'),
        'evaluators': evaluators,
        'facts': facts,
        'publisher': 'Sveriges Kommuner och Regioner',
        # Title and subject as a library catalogue shows them: the year in
        # the title, so that two evaluations of one municipality differ.
        'pdftitle': ' '.join(part for part in (
            f'Kommunkompassen – {document.title}', str(rec.year or '')) if part),
        'pdfauthor': evaluators or config.author,
        'subject': ', '.join(part for part in (
            _('Utvärdering med Kommunkompassen'),
            _('kriterier: %s') % catalogue.title if catalogue else '', date) if part),
    }, config)


def site_title_page(domain: KompassDomain, config: Config, title: str, author: str) -> str:
    """The whole site's title page, dated by its latest evaluation (its year,
    where only the year was published)."""
    latest = max(domain.summaries.values(), key=lambda s: (s.sort_date, s.slug), default=None)
    date = ''
    if latest is not None:
        date = long_date(latest.date, config) if latest.date else str(latest.year or '')
    return _render('sitetitle.tex_t', {
        'date': date,
        'pdftitle': title,
        'pdfauthor': author,
        'subject': _('Alla utvärderingar med Kommunkompassen'),
    }, config)


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
                rec.docname, document.target, escape(printable(document.title), engine),
                escape(printable(author), engine), 'manual', False,
            ))
            self.titles.append((rec.folder, document.title))
            self.kompass_documents.append(document)

    def finish(self) -> None:
        super().finish()
        domain = get_domain(self.env)
        pages = {
            document.target: title_page(document, domain, self.config)
            for document in self.kompass_documents
        }
        for _startdoc, target, title, author, *_rest in self.config.latex_documents:
            pages.setdefault(target, site_title_page(domain, self.config, title, author))
        for target, text in pages.items():
            # Not .tex: LaTeX's Makefile compiles every *.tex as a document.
            name = f'kompass-title-{str(target).removesuffix(".tex")}.ltx'
            Path(self.outdir, name).write_text(text + '\n', encoding='utf-8')


#: The page layout of a report printed as a publisher would: one-sided with
#: chapters on any page (no blank pages), the title above and the page number
#: below (nothing long beside the page number, so they never collide), and no
#: heading at the foot of a page.
LAYOUT = r'''
\makeatletter
\fancypagestyle{normal}{\fancyhf{}%
  \fancyhead[L]{{\py@HeaderFamily\@title}}%
  \fancyfoot[C]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0.4pt}\renewcommand{\footrulewidth}{0pt}}
\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0pt}\renewcommand{\footrulewidth}{0pt}}
\usepackage{etoolbox,needspace}
% Room for a heading and a few lines under it, or a new page; not right
% under another heading (\if@nobreak), where \needspace's break point would
% leave that heading alone at the foot of the page.
\newcommand{\kompassroom}[1]{\if@nobreak\else\needspace{#1\baselineskip}\fi}
\pretocmd{\section}{\kompassroom{6}}{}{}
\pretocmd{\subsection}{\kompassroom{5}}{}{}
\pretocmd{\subsubsection}{\kompassroom{4}}{}{}
% A link target right under a heading (a score's label) is a whatsit, after
% which TeX may break the page and leave the heading alone: not there.
\let\kompass@phantomsection\phantomsection
\renewcommand{\phantomsection}{\kompass@phantomsection
  \ifvmode\if@nobreak\nobreak\fi\fi}
\makeatother
'''


def set_layout(app: Sphinx, config: Config) -> None:
    """config-inited: the PDFs' layout and title pages, where the project has
    not set its own (fixed values, so the configuration compares equal from
    run to run)."""
    elements = dict(config.latex_elements)
    elements.setdefault('extraclassoptions', 'openany,oneside')
    # The PDF's language, for screen readers and search (hyperref is loaded
    # before the preamble, and writes it when the document begins).
    language = ''.join(c for c in (config.language or 'en') if c.isalnum() or c == '-')
    # Characters the fonts have under another name (the views' minus sign).
    declared = ''.join(f'\\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{tex}}}\n'
                       for c, tex in sorted(DECLARED.items()))
    if config.latex_engine == 'pdflatex':
        elements['preamble'] = elements.get('preamble', '') + declared
    elements['preamble'] = (elements.get('preamble', '') + LAYOUT
                            + f'\\hypersetup{{pdflang={language}}}\n')
    elements.setdefault('maketitle', MAKETITLE)
    config.latex_elements = elements


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
    app.connect('config-inited', set_layout)

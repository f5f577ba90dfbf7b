"""Sphinx configuration of the Kommunkompassen site and its PDFs."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / '_ext'))

project = 'Kommunkompassen'
author = 'Sveriges Kommuner och Regioner (SKR)'
copyright = '2022–2026, Sveriges Kommuner och Regioner'  # noqa: A001
language = 'sv'
today_fmt = '%Y-%m-%d'

extensions = ['kompass', 'sphinxcontrib.bibtex']

# MyST: the reports are Markdown; colon fences are enabled by the extension.
myst_enable_extensions = ['colon_fence', 'deflist']
myst_heading_anchors = 3

exclude_patterns = ['_build', '.*', 'tests', '_ext', 'locales', 'README.md', 'BENCHMARKS.md',
                    'Makefile']
# The project's Swedish for the theme's and Sphinx's own labels (Sphinx's sv
# catalogue has gaps and a few wrong words); compiled to .mo beside the .po.
locale_dirs = ['locales']

# --- HTML ----------------------------------------------------------------------
# pydata-sphinx-theme: responsive, built and tested for accessibility, every
# label translatable; README.md says why. Another theme (sphinx-build -D
# html_theme=furo) builds too: setup() below then drops the options of this one.
html_theme = 'pydata_sphinx_theme'
html_theme_options = {
    'navbar_start': ['navbar-logo'],
    'navbar_center': ['kompass-nav.html'],
    'navbar_end': [],
    'navbar_persistent': ['search-button-field'],
    'navbar_align': 'left',
    'article_header_start': ['breadcrumbs'],
    'secondary_sidebar_items': ['page-toc'],
    'show_toc_level': 2,
    # No section navigation on pages without sub-pages (the catalogue, ...).
    'sidebar_includehidden': False,
    'show_prev_next': True,
    'footer_start': ['kompass-footer.html'],
    'footer_center': [],
    'footer_end': [],
    'search_bar_text': 'Sök på webbplatsen …',
    'header_dropdown_text': 'Mer',
    'icon_links_label': 'Länkar',
    'back_to_top_button': True,
    'pygments_light_style': 'a11y-high-contrast-light',
}
html_context = {
    # One light look, as in the PDF: the kompass tables and charts are drawn
    # for a light page, so the theme's dark mode stays off.
    'default_mode': 'light',
}
html_sidebars = {'**': ['kompass-sidebar-report.html', 'sidebar-nav-bs']}
templates_path = ['_templates']
html_static_path = ['_static']
html_css_files = ['site.css']
html_favicon = '_static/kompass.svg'
html_title = 'Kommunkompassen'
# Sphinx's general index would stay empty: the reports mark no index entries.
html_use_index = False
html_show_sourcelink = False
html_copy_source = False
numfig_format = {'figure': 'Figur %s', 'table': 'Tabell %s', 'code-block': 'Kod %s'}

# --- kompass -----------------------------------------------------------------
kompass_criteria_dir = 'criteria'
kompass_score_data = 'reports/scores.csv'
kompass_average_since = '2020-01-01'

# --- sources (sphinxcontrib-bibtex): each report keeps its own .bib file -------
bibtex_bibfiles = sorted(p.relative_to(HERE).as_posix() for p in HERE.glob('reports/*/*.bib'))
bibtex_default_style = 'plain'
# Numbered labels ([1]): author–year would print pybtex's English "n.d." for
# documents without a year.
bibtex_reference_style = 'label'

# --- LaTeX / PDF ---------------------------------------------------------------
latex_engine = 'pdflatex'
latex_elements = {
    'papersize': 'a4paper',
    'babel': r'\usepackage[swedish]{babel}',
    # SKR's chapters carry their own numbers ("1 Vad är kommunkompassen?"),
    # so LaTeX numbers nothing and draws plain chapter heads.
    'fncychap': '',
    'preamble': r'\setcounter{secnumdepth}{-1}',
}
latex_show_urls = 'footnote'
# The whole site as one PDF; the extension adds one PDF per evaluation
# (reports/<slug>/ -> _build/latex/<slug>.pdf), found from the reports.
latex_documents = [
    ('index', 'kommunkompassen.tex', 'Kommunkompassen', author, 'manual'),
]


def _options_for_this_theme_only(app, config) -> None:  # type: ignore[no-untyped-def]
    """config-inited: the options above belong to pydata-sphinx-theme; another
    theme would warn about each of them."""
    if config.html_theme != 'pydata_sphinx_theme':
        config.html_theme_options = {}
        config.html_sidebars = {}


def setup(app):  # type: ignore[no-untyped-def]
    app.connect('config-inited', _options_for_this_theme_only)

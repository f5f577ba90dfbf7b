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

exclude_patterns = ['_build', '.*', 'tests', '_ext', 'README.md', 'BENCHMARKS.md', 'Makefile']
templates_path: list[str] = []
html_static_path = ['_static']
html_css_files = ['site.css']
html_favicon = '_static/kompass.svg'
html_theme = 'alabaster'
html_title = 'Kommunkompassen'
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

"""Kommunkompassen evaluations as code: the Sphinx extension.

Reads the score directives of the reports, checks them against the criteria
catalogues, computes area and total scores and renders the score tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .bibtex import setup_bibtex_fix
from .calibrationview import setup_calibration
from .changes import setup_changes
from .chartfiles import setup_chartfiles
from .comparepage import setup_compare
from .criterionpages import setup_criterion_pages
from .directives import setup_directives
from .domain import setup_domain
from .examples import setup_examples
from .export import setup_export
from .frontmatter import setup_frontmatter
from .heap import setup_heap
from .htmlpage import setup_htmlpage
from .labels import LOCALE_DIR, MESSAGE_CATALOG_NAME
from .latex import setup_latex
from .motivations import setup_motivations
from .nodes import setup_nodes
from .pages import setup_pages
from .pairing import setup_pairing
from .pdftext import setup_pdftext
from .perdoc import setup_perdoc
from .render import setup_render
from .reportfiles import setup_report_files
from .sanitize import setup_sanitize
from .toctrees import setup_toctrees

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__version__ = '0.1.0'

#: Bump whenever the records or results stored in the environment change shape.
ENV_VERSION = 3


def _enable_colon_fences(app: Sphinx, config: Config) -> None:
    """config-inited: FORMAT.md promises ``:::{score}`` fences work too.

    Done here, before Sphinx compares the configuration with the pickled one,
    so the result is the same on every run and never forces a full rebuild.
    """
    enabled = config.myst_enable_extensions
    if 'colon_fence' not in enabled:
        # A new value, never the default mutated in place (it may be shared).
        config.myst_enable_extensions = (
            {*enabled, 'colon_fence'} if isinstance(enabled, set)
            else [*enabled, 'colon_fence']
        )


STATIC_DIR = Path(__file__).parent / 'static'


def _add_static_path(app: Sphinx, config: Config) -> None:
    """config-inited: ship kompass.css with every HTML build (a fixed value, so
    the configuration compares equal from one run to the next)."""
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the kompass directives, domain, transforms and settings."""
    app.setup_extension('myst_parser')
    app.add_config_value(
        'kompass_criteria_dir', 'criteria', 'env', types=frozenset({str}),
        description='Folder (relative to the source folder) of the catalogues.',
    )
    app.add_config_value(
        'kompass_score_data', 'reports/scores.csv', 'env', types=frozenset({str}),
        description='CSV of evaluations known by their scores only.',
    )
    app.add_config_value(
        'kompass_published_averages', 'reports/published-averages.csv', 'env',
        types=frozenset({str}),
        description='CSV of national averages as published, shown as their own series.',
    )
    app.add_config_value(
        'kompass_average_since', '2020-01-01', 'html', types=frozenset({str}),
        description='First date of the evaluations the national average covers.',
    )
    app.add_config_value(
        'kompass_average_min', 10, 'html', types=frozenset({int}),
        description='Fewest evaluations a computed average is shown for.',
    )
    app.add_config_value(
        'kompass_check_municipalities', True, 'env', types=frozenset({bool}),
        description='Check municipality names against the register.',
    )
    app.add_config_value(
        'kompass_municipalities', '', 'env', types=frozenset({str}),
        description='Register CSV (code,name,county); empty: the bundled one.',
    )
    app.add_message_catalog(MESSAGE_CATALOG_NAME, str(LOCALE_DIR))
    app.connect('config-inited', _enable_colon_fences)
    app.connect('config-inited', _add_static_path)
    app.add_css_file('kompass.css')
    app.add_js_file('kompass-sort.js')
    setup_nodes(app)
    setup_domain(app)
    setup_directives(app)
    setup_examples(app)
    setup_pairing(app)
    setup_pdftext(app)
    setup_render(app)
    setup_pages(app)
    setup_export(app)
    setup_htmlpage(app)
    setup_latex(app)
    setup_bibtex_fix(app)
    setup_chartfiles(app)
    setup_sanitize(app)
    setup_report_files(app)
    setup_frontmatter(app)
    setup_motivations(app)
    setup_criterion_pages(app)
    setup_changes(app)
    setup_calibration(app)
    setup_compare(app)
    setup_heap(app)
    setup_perdoc(app)
    setup_toctrees(app)
    return {
        'version': __version__,
        'env_version': ENV_VERSION,
        'parallel_read_safe': True,
        'parallel_write_safe': True,
    }

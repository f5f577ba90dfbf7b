"""Keep sphinxcontrib-bibtex's bibliographies intact across several PDFs.

sphinxcontrib-bibtex 2.7 fills the citation nodes it keeps in its domain in
place each time its post-transform runs. One LaTeX build that assembles
several documents holding the same bibliography (the site PDF and each
evaluation's PDF) therefore printed every entry twice, thrice... Before its
transform runs, give each bibliography fresh copies of the nodes as they were
after reading.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_PRISTINE = 'kompass_pristine_citation_nodes'


def _bibliographies(env: BuildEnvironment) -> dict[Any, Any] | None:
    try:
        domain = env.get_domain('cite')
    except Exception:  # noqa: BLE001 - the extension is not loaded
        return None
    return getattr(domain, 'bibliographies', None)


def remember_citation_nodes(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: keep untouched copies of every bibliography's nodes."""
    bibliographies = _bibliographies(env)
    if bibliographies is None:
        return
    pristine = {
        key: {k: copy.deepcopy(n) for k, n in value.citation_nodes.items()}
        for key, value in bibliographies.items()
    }
    setattr(env, _PRISTINE, pristine)


class FreshCitationNodes(SphinxPostTransform):
    """Hand sphinxcontrib-bibtex fresh citation nodes before it fills them."""

    default_priority = 4  # sphinxcontrib-bibtex's BibliographyTransform is 5

    def run(self, **kwargs: Any) -> None:
        bibliographies = _bibliographies(self.env)
        pristine = getattr(self.env, _PRISTINE, None)
        if not bibliographies or not pristine:
            return
        for key, value in bibliographies.items():
            for cite_key, node in pristine.get(key, {}).items():
                value.citation_nodes[cite_key] = copy.deepcopy(node)


def setup_bibtex_fix(app: Sphinx) -> None:
    """Register the fix; harmless when sphinxcontrib-bibtex is not used."""
    app.connect('env-updated', remember_citation_nodes)
    app.add_post_transform(FreshCitationNodes)

"""Each report's sources: its own ``.bib`` files, its own numbered list.

sphinxcontrib-bibtex 2.7 keeps one bibliography database for the whole site;
used as FORMAT.md asks (every report folder holds its ``.bib`` files, and its
"Källor" has a ``{bibliography}``), here is what makes that work:

- *Per report.* A ``{bibliography}`` in a report folder lists the entries of
  that folder's ``.bib`` files that the folder's documents cite, numbered
  from 1: the filter's ``cited`` (and ``docnames``) mean "in this report",
  for the time sphinxcontrib-bibtex computes its lists. Two reports both
  have an entry [1]: not a duplicate label, which is no longer warned about.
  A report citing a document that only another report's ``.bib`` has gets a
  warning at the citation. (Reading the files: :mod:`.bibfiles`.)
- *In place in LaTeX.* Sphinx's LaTeX builder gathers every citation into
  one list at the end of the PDF ("Litteraturförteckning", numbered 1, 2, 1,
  2... for two reports); each list stays in its report's "Källor" instead.
- *Keys in LaTeX.* A citation's anchor is ``cite.<docname>:<id>``, written
  by sphinxcontrib-bibtex (``\\hyperlink``) and here (``\\bibitem``) without
  escaping; both are written with :func:`latex_key` instead, so a document's
  name is never LaTeX.
- *Filters.* A report's ``:filter:`` may use ``%`` (a regular expression
  match, which a hostile pattern makes run for hours) only with plain text,
  such as ``key % "^karlskrona-"``; any other filter is ignored.
- *Several PDFs.* sphinxcontrib-bibtex fills the citation nodes it keeps in
  its domain in place each time its post-transform runs, so one LaTeX build
  that assembles several documents holding one bibliography (the site PDF and
  each evaluation's) printed every entry twice, thrice... Before its
  transform runs, each bibliography gets fresh copies of the nodes as they
  were after reading.
"""
from __future__ import annotations

import ast
import copy
import functools
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .bibfiles import KEYS, Place, check_bibfiles, end_bibfile_check, shown_path
from .logs import WARNING_TYPE, Kind, logger
from .perdoc import PerDocument
from .sanitize import in_reports

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.latex import LaTeXTranslator

_PRISTINE = 'kompass_pristine_citation_nodes'
#: Marks the citation nodes of sphinxcontrib-bibtex's bibliographies.
_MARK = 'kompass_bibliography'
_BIBTEX_LOGGER = 'sphinx.sphinxcontrib.bibtex.domain'


# --- one list per report ----------------------------------------------------------


def report_folder(env: BuildEnvironment, docname: str) -> str | None:
    """``reports/ort-2024`` for any document in that folder, else None."""
    if not in_reports(env, docname):
        return None
    depth = len(env.config.kompass_reports_dir.strip('/').split('/')) + 1
    parts = docname.split('/')
    return '/'.join(parts[:depth]) if len(parts) > depth else None


class _InReport(ast.NodeTransformer):
    """Rewrite a bibliography filter so that ``cited`` and ``docnames`` count
    only the citations made by the report's own documents."""

    def __init__(self, docnames: set[str]) -> None:
        self.docnames = docnames

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id not in ('cited', 'docnames'):
            return node
        own = ast.Set(elts=[ast.Constant(d) for d in sorted(self.docnames)])
        return ast.BinOp(left=ast.Name(id='docnames', ctx=ast.Load()), op=ast.BitAnd(),
                         right=own)


#: What the right of a filter's ``%`` may be in a report: text that matches
#: itself, which a regular expression search goes through in linear time.
_PLAIN_PATTERN = re.compile(r'\^?[\w:-]*\$?')


def _plain_matches(filter_: ast.AST) -> bool:
    """Whether every ``%`` (sphinxcontrib-bibtex's regular expression match)
    in *filter_* searches for plain text written in the filter itself: a
    pattern such as ``(a|a)*$`` would take hours on a long enough field."""
    return all(
        isinstance(node.right, ast.Constant) and isinstance(node.right.value, str)
        and _PLAIN_PATTERN.fullmatch(node.right.value) is not None
        for node in ast.walk(filter_)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
    )


def _bibliographies(env: BuildEnvironment) -> dict[Any, Any] | None:
    try:
        domain = env.get_domain('cite')
    except Exception:  # noqa: BLE001 - the extension is not loaded
        return None
    return getattr(domain, 'bibliographies', None)


class _CrossReportLabels(logging.Filter):
    """Drop sphinxcontrib-bibtex's "duplicate label" when the two entries are
    in different reports: each report numbers its own sources from 1."""

    _MESSAGE = re.compile(r'duplicate label ".*" for keys "(.*)" and "(.*)"$')

    def __init__(self, folder_of_key: dict[str, str | None]) -> None:
        super().__init__()
        self.folder_of_key = folder_of_key

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, 'subtype', None) != 'duplicate_label':
            return True
        match = self._MESSAGE.match(str(record.msg))
        if match is None:
            return True
        first, second = (self.folder_of_key.get(k.lower()) for k in match.groups())
        return first is None or second is None or first == second


@functools.cache
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def _folder_of_file(env: BuildEnvironment, path: Path) -> str | None:
    try:
        relative = path.relative_to(_resolved(str(env.srcdir))).as_posix()
    except ValueError:
        return None
    return report_folder(env, relative)


def limit_to_reports(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated, before sphinxcontrib-bibtex lists the entries: each report's
    bibliography takes its own folder's files and its own citations."""
    bibliographies = _bibliographies(env)
    if bibliographies is None:
        return
    originals = {}
    docs_of: dict[str, set[str]] = {}
    for doc in env.found_docs:
        folder = report_folder(env, doc)
        if folder is not None:
            docs_of.setdefault(folder, set()).add(doc)
    for key, value in bibliographies.items():
        folder = report_folder(env, key.docname)
        if folder is None:
            continue
        originals[key] = value
        filter_ = value.filter_
        if not _plain_matches(filter_):
            logger.warning(
                "a report's bibliography :filter: may use '%' only with plain text (letters, "
                "digits, '-', '_' and ':', perhaps between '^' and '$'), not a regular "
                'expression; the filter is ignored and the list shows what the report cites',
                type=WARNING_TYPE, subtype=Kind.BIB.value, location=(key.docname, value.line))
            filter_ = ast.parse('cited')
        bibliographies[key] = value._replace(
            bibfiles=[f for f in value.bibfiles if _folder_of_file(env, f) == folder],
            filter_=_InReport(docs_of[folder]).visit(copy.deepcopy(filter_)),
        )
    env.kompass_bib_originals = originals  # type: ignore[attr-defined]
    keys: dict[str, list[Place]] = getattr(env, KEYS, {})
    label_filter = _CrossReportLabels(
        {k: _folder_of_file(env, places[0].path) for k, places in keys.items()})
    logging.getLogger(_BIBTEX_LOGGER).addFilter(label_filter)
    env.kompass_bib_filter = label_filter  # type: ignore[attr-defined]


def restore_bibliographies(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated, after sphinxcontrib-bibtex: put the directives' own values
    back (they are pickled), and check what each report cites."""
    bibliographies = _bibliographies(env)
    if bibliographies is None:
        return
    bibliographies.update(env.__dict__.pop('kompass_bib_originals', {}))
    label_filter = env.__dict__.pop('kompass_bib_filter', None)
    if label_filter is not None:
        logging.getLogger(_BIBTEX_LOGGER).removeFilter(label_filter)
    _check_citations(app, env)


def _check_citations(app: Sphinx, env: BuildEnvironment) -> None:
    """A report cites the documents of its own folder's .bib files."""
    keys: dict[str, list[Place]] = getattr(env, KEYS, {})
    domain: Any = env.get_domain('cite')
    for ref in sorted(domain.citation_refs, key=lambda r: (r.docname, r.line or 0)):
        folder = report_folder(env, ref.docname)
        if folder is None:
            continue
        for target in ref.targets:
            places = keys.get(target.key.lower(), [])
            if not places or any(_folder_of_file(env, p.path) == folder for p in places):
                continue
            where = shown_path(app, places[0].path)
            logger.warning(
                f'{target.key!r} is a source of another report ({where}:{places[0].line}); '
                "a report cites the documents in its own folder's .bib files",
                type=WARNING_TYPE, subtype=Kind.BIB.value, location=_citation_location(env, ref))


def _citation_location(env: BuildEnvironment, ref: Any) -> Any:
    """The citation's node (its file and line; MyST does not give the role
    its line), else its document."""
    try:
        doctree = env.get_doctree(ref.docname)
    except Exception:  # noqa: BLE001 - no pickled doctree: the document is enough
        return (ref.docname, ref.line or 1)
    for node in doctree.findall(addnodes.pending_xref):
        if ref.citation_ref_id in node['ids']:
            return node
    return (ref.docname, ref.line or 1)


# --- fresh nodes, and lists in place in LaTeX ----------------------------------------


def remember_citation_nodes(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: start this build's untouched copies of the bibliographies'
    nodes; each is copied when a document first needs it, before it is filled
    (copying every one on every build cost a site of N reports N copies)."""
    if _bibliographies(env) is not None:
        setattr(env, _PRISTINE, {})


class FreshCitationNodes(SphinxPostTransform):
    """Hand sphinxcontrib-bibtex fresh citation nodes before it fills them."""

    default_priority = 4  # sphinxcontrib-bibtex's BibliographyTransform is 5

    def run(self, **kwargs: Any) -> None:
        bibliographies = _bibliographies(self.env)
        pristine = getattr(self.env, _PRISTINE, None)
        if not bibliographies or pristine is None:
            return
        # Only the bibliographies this document holds: refreshing every one on
        # every document made a site of N citing reports cost N x N copies.
        # (Imported here: the transform is registered only with the package.)
        from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
        here = {(node['docname'], node['ids'][0])  # a BibliographyKey is this tuple
                for node in self.document.findall(bibliography_node)}
        for key in here:  # a BibliographyKey equals (and hashes as) its tuple
            value = bibliographies.get(key)
            if value is None:
                continue
            if key not in pristine:  # not yet filled: the nodes as read
                pristine[key] = {k: copy.deepcopy(n) for k, n in value.citation_nodes.items()}
            for cite_key, node in pristine[key].items():
                fresh = copy.deepcopy(node)
                fresh[_MARK] = True
                value.citation_nodes[cite_key] = fresh


class kompass_bibliography(nodes.General, nodes.Element):  # noqa: N801 - docutils style
    """A bibliography's entries where its directive stands (LaTeX only)."""


class kompass_bibitem(nodes.Part, nodes.Element):  # noqa: N801 - docutils style
    """One entry of a :class:`kompass_bibliography` (LaTeX only)."""


class BibliographiesInPlace(SphinxPostTransform):
    """LaTeX: keep each bibliography where it stands, as its own list.

    Sphinx's LaTeX builder moves every citation into one list at the end of
    the document (priority 750); these are no longer citation nodes by then.
    """

    default_priority = 6  # after sphinxcontrib-bibtex has filled them (5)
    formats = ('latex',)

    def run(self, **kwargs: Any) -> None:
        # sphinxcontrib-bibtex puts a bibliography's entries in a container.
        for box in list(self.document.findall(nodes.container)):
            entries = box.children
            if not entries or not all(
                isinstance(c, nodes.citation) and c.get(_MARK) for c in entries
            ):
                continue
            listing = kompass_bibliography()
            for citation in cast('list[nodes.citation]', entries):
                item = kompass_bibitem(label=citation[0].astext(),
                                       docname=citation['docname'], ids=list(citation['ids']))
                item.extend(child.deepcopy() for child in citation.children[1:])
                listing += item
            box.replace_self(listing)


def visit_bibliography_latex(self: LaTeXTranslator, node: kompass_bibliography) -> None:
    widest = max((str(item['label']) for item in node.children
                  if isinstance(item, kompass_bibitem)), key=len, default='')
    self.body.append(
        '\n\\begin{list}{}{\\settowidth{\\labelwidth}{[' + self.encode(widest) + ']}'
        '\\setlength{\\leftmargin}{\\labelwidth}\\addtolength{\\leftmargin}{\\labelsep}}'
        '\\sloppy\n'
    )


def depart_bibliography_latex(self: LaTeXTranslator, node: kompass_bibliography) -> None:
    self.body.append('\\end{list}\n')


def visit_bibitem_latex(self: LaTeXTranslator, node: kompass_bibitem) -> None:
    # \bibitem's anchor is cite.<key>, the one the references link to
    # (CitationKeys writes them with the same key).
    key = latex_key(node['docname'] + ':' + node['ids'][0])
    self.body.append('\\bibitem[' + self.encode(node['label']) + ']{' + key + '}\n')


_KEY_CHARS = re.compile(r'[A-Za-z0-9/:-]')


def latex_key(text: str) -> str:
    """*text* as a LaTeX cross-reference key: letters, digits, ``/``, ``:``
    and ``-`` as they are, any other character as ``.<hex>.``.

    Nothing in it is LaTeX syntax, not even after TeX's ``^^`` reading (Sphinx's
    own ``idescape`` keeps braces and ``^``); two texts never share a key; a
    report's docname (a safe name, see :mod:`.reportfiles`) keeps its look.
    """
    return ''.join(c if _KEY_CHARS.fullmatch(c) else f'.{ord(c):x}.' for c in text)


class CitationKeys(SphinxPostTransform):
    """LaTeX: sphinxcontrib-bibtex's citation links with :func:`latex_key`.

    It writes each link as raw LaTeX, ``\\hyperlink{cite.<docname>:<id>}{``,
    with the document's name as it is.
    """

    default_priority = 11  # after the references are resolved (10)
    formats = ('latex',)
    _START, _END = '\\hyperlink{cite.', '}{'

    def run(self, **kwargs: Any) -> None:
        try:
            from sphinxcontrib.bibtex.nodes import raw_latex  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - not installed
            return
        for node in list(self.document.findall(raw_latex)):
            text = node.rawsource  # what its visitor writes
            if text.startswith(self._START) and text.endswith(self._END):
                key = text[len(self._START):-len(self._END)]
                node.replace_self(raw_latex(self._START + latex_key(key) + self._END))


def _depart_nothing(self: LaTeXTranslator, node: nodes.Element) -> None:
    pass


def own_bibfiles(env: BuildEnvironment, docname: str) -> list[Path]:
    """The configured ``.bib`` files of *docname*'s report folder (none outside one)."""
    folder = report_folder(env, docname)
    if folder is None:
        return []
    domain: Any = env.get_domain('cite')
    return sorted(path for path in domain.bibdata.bibfiles
                  if _folder_of_file(env, path) == folder)


def report_bibliography(app: Sphinx) -> None:
    """builder-inited: ``{bibliography}`` in a report, without arguments, reads
    its own folder's ``.bib`` files, not every file of the site.

    sphinxcontrib-bibtex makes a citation node for every entry of the files a
    bibliography reads and makes its document depend on each file: with every
    report's files that is N x N nodes in the environment (kept, and copied on
    every build) and a re-read of every report when one ``.bib`` changes.
    """
    from sphinxcontrib.bibtex.directives import BibliographyDirective

    class ReportBibliography(BibliographyDirective):
        def run(self) -> Any:
            env = self.state.document.settings.env
            own = own_bibfiles(env, env.docname)
            if not self.arguments and own:
                srcdir = Path(env.srcdir).resolve()
                self.arguments = [' '.join(
                    '/' + path.relative_to(srcdir).as_posix() for path in own)]
            return super().run()

    app.add_directive('bibliography', ReportBibliography, override=True)


#: Where the bibtex domain keeps each bibliography's formatted entries.
_FORMATTED = 'kompass_formatted'


def _entry_digest(entry: Any) -> str:
    """All that formatting reads of a pybtex entry."""
    people = sorted((role, [str(p) for p in names]) for role, names in entry.persons.items())
    return repr((entry.type, sorted(entry.fields.items()), people))


def _failed(formatted: Any) -> bool:
    """sphinxcontrib-bibtex's stand-in for an entry it could not format: its
    message in bold (pybtex's ``Tag('b', ...)``)."""
    from pybtex.richtext import Tag  # type: ignore[import-untyped]

    return isinstance(formatted.text, Tag) and formatted.text.name == 'b'


def _cache_pybtex_plugins() -> None:
    """pybtex finds each style by scanning every installed package's entry
    points, several times per bibliography and build (60 ms a bibliography,
    about 18 s of every build at N=300). The installed packages do not change
    while Sphinx runs: each lookup is made once. Plugins registered at run
    time are still looked up first, by pybtex itself."""
    import pybtex.plugin  # type: ignore[import-untyped]

    if getattr(pybtex.plugin.entry_points, 'kompass_cached', False):
        return
    scan = pybtex.plugin.entry_points

    @functools.cache
    def found(group: str, name: str) -> tuple[Any, ...]:
        return tuple(scan(group=group, name=name))

    def entry_points(*, group: str, name: str | None = None) -> Any:
        return scan(group=group) if name is None else found(group, name)

    entry_points.kompass_cached = True  # type: ignore[attr-defined]
    pybtex.plugin.entry_points = entry_points


def indexed_bibtex_domain(app: Sphinx, config: Config) -> None:
    """config-inited (after every extension's setup, before the environment
    makes its domains): sphinxcontrib-bibtex's domain, with the citation order
    computed once per build instead of once per bibliography.

    Its ``get_all_cited_keys`` sorts every citation by ``docnames.index`` for
    each bibliography: with a bibliography in each of N reports that is N x
    citations x documents steps (23 s of every build at N=300, nothing
    changed included). The order is the same for every bibliography of a
    build, so it is kept for the list of documents it was made for.
    """
    if 'sphinxcontrib.bibtex' not in app.extensions:
        return
    _cache_pybtex_plugins()
    import pybtex  # type: ignore[import-untyped]
    from sphinxcontrib.bibtex.domain import BibtexDomain

    class IndexedBibtexDomain(BibtexDomain):
        _kompass_order: tuple[list[str], int, list[str], dict[str, int]] | None = None
        _kompass_refs: tuple[list[Any], int, dict[str, list[int]]] | None = None

        def env_updated(self) -> Any:
            # Formatted lists of bibliographies that are gone are forgotten.
            kept = self.data.get(_FORMATTED, {})
            # A parallel reader of a later build sends none of it back (perdoc.py).
            self.data[_FORMATTED] = PerDocument(
                {k: v for k, v in kept.items() if k in self.bibliographies})
            self._kompass_refs = self._kompass_order = None  # made again for this build
            return super().env_updated()

        def get_formatted_entries(self, bibliography_key: Any, docnames: list[str],
                                  tooltips: bool, tooltips_style: str) -> Iterator[Any]:
            """As sphinxcontrib-bibtex formats them, but kept from the last build
            while the entries, their order and the styles are the same:
            pybtex's formatting is most of what an unchanged site's build costs
            (about 10 ms an entry). A list with an entry that could not be
            formatted is never kept, so its warning is told on every build.
            (Sphinx saves the environment when a build read something: what a
            build that read nothing formatted is kept from the next one on.)"""
            bibliography = self.bibliographies[bibliography_key]
            entries = [(key, _entry_digest(entry)) for key, entry in
                       self.get_sorted_entries(bibliography_key, docnames)]
            stamp = repr((pybtex.__version__, bibliography.style, bibliography.labelprefix,
                          tooltips, tooltips_style, entries))
            cache = self.data.setdefault(_FORMATTED, {})
            known = cache.get(bibliography_key)
            if known is not None and known[0] == stamp:
                yield from known[1]
                return
            formatted = list(super().get_formatted_entries(
                bibliography_key, docnames, tooltips, tooltips_style))
            if not any(_failed(item[1]) for item in formatted):
                cache[bibliography_key] = (stamp, formatted)
            yield from formatted

        def get_filtered_entries(self, bibliography_key: Any) -> Iterator[Any]:
            """As sphinxcontrib-bibtex filters them, looking only at the citations
            of this bibliography's own entries: it scans every citation of the
            site for each entry (N x N x entries steps in a site of N reports)."""
            bibliography = self.bibliographies[bibliography_key]
            keys = {bibliography.keyprefix + entry.key
                    for entry in self.get_entries(bibliography.bibfiles)}
            everyone = self.citation_refs
            mine = list(self._refs_by_key(everyone, keys))
            self.data['citation_refs'] = mine
            try:
                found = list(super().get_filtered_entries(bibliography_key))
            finally:
                self.data['citation_refs'] = everyone
            yield from found

        def _refs_by_key(self, refs: list[Any], keys: set[str]) -> Iterator[Any]:
            """The citations of *refs* naming any of *keys*, in their order
            (an index of every citation by key, made once per list)."""
            known = self._kompass_refs
            if known is None or known[0] is not refs or known[1] != len(refs):
                index: dict[str, list[int]] = {}
                for position, ref in enumerate(refs):
                    for target in ref.targets:
                        index.setdefault(target.key, []).append(position)
                known = (refs, len(refs), index)
                self._kompass_refs = known
            positions = sorted({p for key in keys for p in known[2].get(key, ())})
            return (refs[p] for p in positions)

        def get_all_cited_keys(self, docnames: list[str]) -> Iterator[str]:
            yield from self._cited_order(docnames)[0]

        def get_sorted_entries(self, bibliography_key: Any,
                               docnames: list[str]) -> Iterator[tuple[str, Any]]:
            """As sphinxcontrib-bibtex sorts them (cited entries by their first
            citation, then the rest in file order), without walking every
            citation of the site for each bibliography."""
            entries = dict(self.get_filtered_entries(bibliography_key))
            first = self._cited_order(docnames)[1]
            for key in sorted((k for k in entries if k in first), key=first.__getitem__):
                yield key, entries.pop(key)
            yield from entries.items()

        def _cited_order(self, docnames: list[str]) -> tuple[list[str], dict[str, int]]:
            """Every cited key in citation order, and each key's first place."""
            refs = self.citation_refs
            known = self._kompass_order
            if known is None or known[0] is not docnames or known[1] != len(refs):
                position = {docname: index for index, docname in enumerate(docnames)}
                ordered = sorted(refs, key=lambda ref: position.get(ref.docname, len(position)))
                keys = [t.key for ref in ordered for t in ref.targets]
                first: dict[str, int] = {}
                for place, key in enumerate(keys):
                    first.setdefault(key, place)
                known = (docnames, len(refs), keys, first)
                self._kompass_order = known
            return known[2], known[3]

    app.add_domain(IndexedBibtexDomain, override=True)


def setup_bibtex_fix(app: Sphinx) -> None:
    """Register the fixes; harmless when sphinxcontrib-bibtex is not used."""
    app.connect('config-inited', indexed_bibtex_domain)
    app.connect('builder-inited', _when_bibtex(report_bibliography))
    app.connect('builder-inited', _when_bibtex(check_bibfiles), priority=499)
    app.connect('builder-inited', _when_bibtex(end_bibfile_check), priority=501)
    app.connect('env-updated', remember_citation_nodes)
    app.connect('env-updated', limit_to_reports, priority=499)
    app.connect('env-updated', restore_bibliographies, priority=501)
    app.add_post_transform(FreshCitationNodes)
    app.add_post_transform(BibliographiesInPlace)
    app.add_post_transform(CitationKeys)
    app.add_node(kompass_bibliography,
                 latex=(visit_bibliography_latex, depart_bibliography_latex))
    app.add_node(kompass_bibitem, latex=(visit_bibitem_latex, _depart_nothing))


def _when_bibtex(handler: Any) -> Any:
    """Run *handler* only in builds that load sphinxcontrib-bibtex."""

    def run(app: Sphinx) -> None:
        if 'sphinxcontrib.bibtex' in app.extensions:
            handler(app)

    run.__doc__ = handler.__doc__
    return run

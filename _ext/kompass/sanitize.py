"""What a report may put on the published site and in the PDF.

Reports come from pull requests, so a report's document (anything under
``kompass_reports_dir``) is data: raw HTML or LaTeX, ``{raw}`` blocks, links
other than http(s) and mailto (toctree entries too), files read from outside
the repository, through a symbolic link, through a hidden name (``.git``) or
by a name that is not safe (:mod:`.reportfiles`), includes with a
``:parser:``, and images or downloads a browser would run (SVG, HTML: they
would be served from the site's own origin) are ``kompass`` warnings, and
none of it is published. Includes are checked *before* the file is opened:
MyST reads an ``{include}`` while parsing, so a check on the finished doctree
would be too late.

The project's own pages keep every directive as it is; only the link rule
holds on every page, because generated pages and bibliographies carry links
taken from data files (``.bib`` entries, the score data).
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.images import Image
from docutils.parsers.rst.directives.misc import Include as DocutilsInclude
from docutils.parsers.rst.directives.misc import Meta, Raw
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include as SphinxInclude
from sphinx.directives.patches import CSVTable, Figure
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .logs import WARNING_TYPE, Kind, logger
from .reportfiles import name_problem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The only URL schemes a published link may have.
LINK_SCHEMES = frozenset({'http', 'https', 'mailto'})

_SCHEME = re.compile(r'([a-z][a-z0-9+.\-]*):', re.I)


def link_scheme(uri: str) -> str | None:
    """The scheme of *uri* as a browser reads it (``None`` for a relative one).

    Browsers drop spaces, tabs and line breaks in a URL, so ``java script:``
    with a tab is ``javascript:``; the check does the same.
    """
    cleaned = ''.join(ch for ch in uri if ch > ' ' and ch != '\x7f')
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def unpublished_link(uri: str) -> bool:
    """Whether a link to *uri* may not be published."""
    scheme = link_scheme(uri)
    return scheme is not None and scheme not in LINK_SCHEMES


def shown(value: str, limit: int = 60) -> str:
    """*value* quoted for a warning, shortened: it is the author's text."""
    if len(value) > limit:
        value = value[:limit] + '…'
    return repr(value)


def text_without_raw(node: nodes.Node) -> str:
    """The text of *node* with raw output left out: what is quoted elsewhere
    (a good example's sentence, a motivation) is recorded before the report
    rule drops a report's raw HTML, and must not carry it to other pages."""
    if not isinstance(node, nodes.Element) or not any(node.findall(nodes.raw)):
        return node.astext()
    copy = node.deepcopy()
    for raw in list(copy.findall(nodes.raw)):
        raw.parent.remove(raw)
    return copy.astext()


def in_reports(env: BuildEnvironment, docname: str) -> bool:
    """Whether *docname* is a report's document (the rule applies to it)."""
    folder = env.config.kompass_reports_dir.strip('/')
    return docname.startswith(folder + '/')


def confinement(root: Path, docdir: PurePosixPath, target: str) -> str | None:
    """Why the file *target* (as a document in *docdir* names it) must not be
    read, or ``None`` when it is a file of the repository with a safe name.

    Paths are walked part by part as the operating system would, refusing
    any symbolic link on the way: ``link/../../x`` leaves the repository
    through ``link`` although it looks harmless once normalised. Every part
    walked through has a safe name (:func:`.reportfiles.name_problem`): none
    is hidden (``.git``), none reaches LaTeX or a shell as syntax, and the
    file is not named like a chart the build draws.
    """
    if target.startswith('<') and target.endswith('>'):
        return 'is outside the repository'  # docutils' own standard includes
    top = Path(os.path.abspath(root))
    path = PurePosixPath(target.replace('\\', '/'))
    parts = path.parts[1:] if path.is_absolute() else (*docdir.parts, *path.parts)
    named = [i for i, part in enumerate(parts) if part not in ('', '.', '..')]
    current = top
    for index, part in enumerate(parts):
        if part in ('', '.'):
            continue
        if part == '..':
            if current == top:
                return 'is outside the repository'
            current = current.parent
            continue
        last = index == named[-1]
        problem = name_problem(part, is_file=last)
        if problem is not None:
            return (f'has {problem.value}' if last
                    else f'goes through {shown(part)}, {problem.value}')
        current = current / part
        if current.is_symlink():
            return 'goes through a symbolic link'
    if not Path(os.path.realpath(current)).is_relative_to(os.path.realpath(top)):
        return 'is outside the repository'  # pragma: no cover - caught above
    return None


def _warn(kind: Kind, message: str, location: Any) -> None:
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location)


class _ReportRule:
    """For directives: the checks that hold in a report's document."""

    env: BuildEnvironment
    name: str

    def in_report(self) -> bool:
        return in_reports(self.env, self.env.docname)

    def refused(self, target: str) -> str | None:
        """Why *target* may not be read, resolved as Sphinx does (relative to
        the document, absolute paths from the source folder)."""
        docdir = PurePosixPath(self.env.docname).parent
        return confinement(self.env.srcdir, docdir, target)

    def refuse(self, what: str, target: str, reason: str) -> list[nodes.Node]:
        _warn(Kind.INCLUDE, f'{what} {shown(target)} {reason}; nothing was read from it',
              self.get_location())  # type: ignore[attr-defined]
        return []


class SafeInclude(_ReportRule, SphinxDirective):
    """``include`` that refuses, in a report, a file outside the repository.

    Not a subclass of docutils' Include on purpose: MyST runs those through
    its own reader, which opens the file before any directive code runs. Here
    the path is checked first, then the reading is handed to MyST (Markdown)
    or to Sphinx's Include (reStructuredText), unchanged.
    """

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **(DocutilsInclude.option_spec or {}),
        # MyST's own options for Markdown includes.
        'relative-images': directives.flag,
        'relative-docs': directives.path,
        'heading-offset': directives.nonnegative_int,
        # docutils imports the module a :parser: names while it reads the
        # options (any module on the path, the repository's own too); here
        # only once the document is known not to be a report.
        'parser': directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        target = ''.join(s.strip() for s in self.arguments[0].splitlines())
        if self.in_report():
            reason = self.refused(target)
            if reason is None and 'parser' in self.options:
                # The other parser would read the file's own configuration
                # (MyST: its front matter), which a report may not set.
                reason = 'names a :parser: (a report is read with its own parser only)'
            if reason is not None:
                return self.refuse('{include} of', target, reason)
        if 'parser' in self.options:
            try:
                self.options['parser'] = directives.parser_name(self.options['parser'])
            except ValueError as exc:
                msg = f'invalid option value: (option: "parser"; value: {self.options["parser"]!r})'
                raise self.error(f'{msg}\n{exc}') from exc
        renderer = getattr(self.state, '_renderer', None)
        if renderer is not None:  # MyST's mocked state: Markdown
            from myst_parser.mocking import MockIncludeDirective

            return MockIncludeDirective(  # type: ignore[return-value]
                renderer, name=self.name, klass=SphinxInclude,
                arguments=self.arguments, options=self.options,
                body=list(self.content), lineno=self.lineno,
            ).run()
        return list(SphinxInclude(
            self.name, self.arguments, self.options, self.content, self.lineno,
            self.content_offset, self.block_text, self.state, self.state_machine,
        ).run())


class SafeLiteralInclude(_ReportRule, LiteralInclude):
    """``literalinclude`` with the same rule as ``include``."""

    def run(self) -> list[nodes.Node]:
        if self.in_report():
            for what, target in (('{literalinclude} of', self.arguments[0]),
                                 ('{literalinclude} :diff:', self.options.get('diff'))):
                reason = None if target is None else self.refused(target)
                if reason is not None:
                    return self.refuse(what, str(target), reason)
        return list(super().run())


class SafeRaw(_ReportRule, Raw, SphinxDirective):
    """``raw``: never in a report (its ``:file:`` and ``:url:`` would read
    before any later check, and its content is unescaped output)."""

    def run(self) -> Sequence[nodes.Node]:
        if self.in_report():
            _warn(Kind.RAW, 'a {raw} block is not published from a report; it was left out',
                  self.get_location())
            return []
        return super().run()


class SafeMeta(_ReportRule, Meta, SphinxDirective):
    """``meta``: in a report, no ``http-equiv`` tag (a refresh is a redirect).

    docutils puts the tags at the top of the document, without a line; told
    here, at the directive.
    """

    def run(self) -> list[nodes.Node]:
        if not self.in_report():
            return list(super().run())
        document = self.state.document
        before = {id(node) for node in document.findall(nodes.meta)}
        result = list(super().run())
        for meta in list(document.findall(nodes.meta)):
            if id(meta) not in before and 'http-equiv' in meta.attributes:
                _warn(Kind.RAW, 'an http-equiv meta tag is not published from a report; '
                      'it was left out', self.get_location())
                meta.parent.remove(meta)
        return result


class SafeCSVTable(_ReportRule, CSVTable, SphinxDirective):
    """``csv-table``: in a report, ``:url:`` is refused (a download at build
    time) and ``:file:`` must be a file of the repository."""

    def run(self) -> list[nodes.Node]:  # type: ignore[override]
        if self.in_report():
            if 'url' in self.options:
                return self.refuse('{csv-table} :url:', self.options['url'],
                                   'is outside the repository')
            if 'file' in self.options:
                reason = self.refused(self.options['file'])
                if reason is None and not self.options['file'].startswith('/'):
                    # docutils reads a relative :file: from the current source
                    # file, which differs from the document inside an include.
                    current = Path(self.state.document.current_source or '')
                    docdir = PurePosixPath(
                        os.path.relpath(current.parent, self.env.srcdir)).as_posix()
                    reason = confinement(self.env.srcdir, PurePosixPath(docdir),
                                         self.options['file'])
                if reason is not None:
                    return self.refuse('{csv-table} :file:', self.options['file'], reason)
        return list(super().run())


#: The image types a report may publish: pictures, nothing a browser runs
#: (an SVG may hold scripts that run on the site's own origin when opened).
IMAGE_TYPES = ('.gif', '.jpeg', '.jpg', '.png', '.webp')
#: The file types a report may offer for download: documents, data, pictures.
DOWNLOAD_TYPES = ('.csv', '.doc', '.docx', '.gif', '.jpeg', '.jpg', '.odp', '.ods', '.odt',
                  '.pdf', '.png', '.ppt', '.pptx', '.txt', '.webp', '.xls', '.xlsx')


def _file_refusal(env: BuildEnvironment, docname: str, uri: str,
                  types: tuple[str, ...]) -> str | None:
    """Why the file at *uri* (an image or a download) may not be published
    from a report: it must be a file of the repository of a passive type."""
    if link_scheme(uri) is not None:
        return 'is not a file in the repository'
    reason = confinement(env.srcdir, PurePosixPath(docname).parent, uri)
    if reason is None and PurePosixPath(uri).suffix.lower() not in types:
        reason = f'is not a file type a report may publish (only {", ".join(types)})'
    return reason


def _image_refusal(env: BuildEnvironment, docname: str, uri: str) -> str | None:
    """Why an image at *uri* may not be published from a report."""
    return _file_refusal(env, docname, uri, IMAGE_TYPES)


class SafeImage(_ReportRule, Image, SphinxDirective):
    """``image``: in a report, a file of the repository and nothing else."""

    def run(self) -> Sequence[nodes.Node]:
        if self.in_report():
            uri = directives.uri(self.arguments[0])
            reason = _image_refusal(self.env, self.env.docname, uri)
            if reason is not None:
                return self.refuse('image', uri, reason)
        return super().run()


class SafeFigure(_ReportRule, Figure, SphinxDirective):
    """``figure``: as ``image``, checked before ``:figwidth: image`` opens it."""

    def run(self) -> list[nodes.Node]:
        if self.in_report():
            uri = directives.uri(self.arguments[0])
            reason = _image_refusal(self.env, self.env.docname, uri)
            if reason is not None:
                self.refuse('figure', uri, reason)
                if self.options.get('figwidth') == 'image':
                    del self.options['figwidth']  # would open the file for its width
                result = list(super().run())
                for node in result:  # the caption and legend stay
                    for image in list(node.findall(nodes.image)):
                        image.parent.remove(image)
                return result
        return list(super().run())


def _unlink(node: nodes.Element) -> None:
    """Replace a link by its text; a link that shows its own target (a URL
    field of a .bib entry, an autolink) has no text to keep."""
    uri = node.get('refuri') or node.get('reftarget') or ''
    if node.astext().strip() == uri.strip():
        node.parent.remove(node)
    else:
        node.replace_self(node.children)


class ReportContent(SphinxTransform):
    """In a report's document, take out what may not be published.

    Runs after docutils has resolved link targets and before Sphinx's
    collectors copy images and downloads (``doctree-read``, priority 880).
    """

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        if not in_reports(self.env, docname):
            return
        told: set[tuple[str | None, int | None]] = set()
        for raw in list(self.document.findall(nodes.raw)):
            place = get_source_line(raw)
            if place not in told:  # an HTML tag's opening and closing: one warning
                told.add(place)
                fmt = raw.get('format', '') or 'markup'
                _warn(Kind.RAW, f'raw {fmt} is not published from a report; it was left out',
                      raw)
            raw.parent.remove(raw)
        for spec in list(self.document.findall(addnodes.tabular_col_spec)):
            _warn(Kind.RAW, 'a {tabularcolumns} column spec is raw LaTeX, not published from '
                  'a report; it was left out', spec)
            spec.parent.remove(spec)
        maths: list[nodes.TextElement] = [*self.document.findall(nodes.math),
                                          *self.document.findall(nodes.math_block)]
        for math in maths:
            # Math is LaTeX that reaches the PDF as written (\input reads files).
            text = math.astext()
            if isinstance(math, nodes.math_block):
                shown_as: nodes.Element = nodes.literal_block(text, text, language='latex')
            else:
                shown_as = nodes.literal(text, text)
            shown_as.source, shown_as.line = get_source_line(math)
            place = get_source_line(math)
            if place not in told:
                told.add(place)
                _warn(Kind.RAW, 'math is LaTeX that the PDF would read as written, not '
                      'published from a report; it is shown as text', math)
            math.replace_self(shown_as)
        for meta in list(self.document.findall(nodes.meta)):
            if 'http-equiv' in meta.attributes:
                _warn(Kind.RAW, 'an http-equiv meta tag is not published from a report; '
                      'it was left out', (docname, meta.line or 1))
                meta.parent.remove(meta)
        links: set[str] = set()
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get('refuri', '')
            if uri and unpublished_link(uri):
                links.add(uri)
                _warn(Kind.LINK, f'link target {shown(uri)} is not published (only http, '
                      'https and mailto links are); the link was removed', ref)
                _unlink(ref)
        for target in self.document.findall(nodes.target):
            uri = target.get('refuri', '')
            if uri and unpublished_link(uri):
                if uri not in links:  # a target nothing links to (yet)
                    _warn(Kind.LINK, f'link target {shown(uri)} is not published (only '
                          'http, https and mailto links are); the link was removed', target)
                del target['refuri']
        for toctree in self.document.findall(addnodes.toctree):
            kept = []
            for title, ref in toctree['entries']:
                if ref is not None and unpublished_link(ref):
                    _warn(Kind.LINK, f'link target {shown(ref)} is not published (only '
                          'http, https and mailto links are); the link was removed', toctree)
                else:
                    kept.append((title, ref))
            toctree['entries'] = kept
        for image in list(self.document.findall(nodes.image)):
            uri = image.get('uri', '')
            reason = _image_refusal(self.env, docname, uri)
            if reason is not None:
                _warn(Kind.INCLUDE, f'image {shown(uri)} {reason}; it was left out', image)
                image.parent.remove(image)
        for download in list(self.document.findall(addnodes.download_reference)):
            target_name = download.get('reftarget', '')
            reason = _file_refusal(self.env, docname, target_name, DOWNLOAD_TYPES)
            if reason is not None:
                _warn(Kind.INCLUDE, f'download {shown(target_name)} {reason}; the link was '
                      'removed', download)
                _unlink(download)


class PublishedLinks(SphinxPostTransform):
    """On every page and in every output: links only to http(s) and mailto.

    Catches what no report wrote directly: links from ``.bib`` entries in a
    bibliography, or from data files on generated pages.
    """

    default_priority = 900  # after bibliographies (5) and reference resolving (10)

    def run(self, **kwargs: Any) -> None:
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get('refuri', '')
            if ref.get('internal') or not uri or not unpublished_link(uri):
                continue
            _warn(Kind.LINK, f'link target {shown(uri)} is not published (only http, '
                  'https and mailto links are); the link was removed',
                  _located(ref, self.env.docname))
            _unlink(ref)


def _located(node: nodes.Node, docname: str) -> Any:
    """The node's own place, else its document (a bibliography entry has no
    line of its own: the .bib text is not a document)."""
    current: nodes.Node | None = node
    while current is not None:
        if current.line and current.source:
            return current
        current = current.parent
    return docname


#: The directives that read files or publish unescaped output, by their
#: canonical (English) docutils name.
GUARDED: dict[str, type[Directive]] = {
    'include': SafeInclude, 'raw': SafeRaw, 'csv-table': SafeCSVTable,
    'meta': SafeMeta, 'image': SafeImage, 'figure': SafeFigure,
}


def directive_aliases(canonical: str) -> set[str]:
    """Every name docutils knows *canonical* by, in any of its languages.

    docutils looks a directive name up in the document's language first
    (``language = 'sv'``: ``{inkludera}``, ``{rå}``, ``{bild}``) and then
    imports its own class for the canonical name, past any override of the
    English one; so each alias gets the guarded class too.
    """
    import importlib
    import pkgutil

    from docutils.parsers.rst import languages

    names = {canonical}
    for module in pkgutil.iter_modules(languages.__path__):
        try:
            language = importlib.import_module(f'{languages.__name__}.{module.name}')
        except ImportError:  # pragma: no cover - a broken docutils language module
            continue
        for alias, name in getattr(language, 'directives', {}).items():
            if name == canonical and alias.isprintable() and ' ' not in alias:
                names.add(alias.lower())
    return names


def setup_sanitize(app: Sphinx) -> None:
    """Register the rule's directives (under every name docutils gives them)
    and transforms."""
    for canonical, guarded in GUARDED.items():
        for name in sorted(directive_aliases(canonical)):
            app.add_directive(name, guarded, override=True)
    app.add_directive('literalinclude', SafeLiteralInclude, override=True)
    app.add_transform(ReportContent)
    app.add_post_transform(PublishedLinks)

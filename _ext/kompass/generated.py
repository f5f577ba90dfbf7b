"""Pages the extension writes that Sphinx never reads (municipality and
criterion pages), made from the environment on every HTML build.

What they share: real headings (written here, escaped: docutils sections would
be numbered like figures, and numbers exist only while documents are written);
a page is made only when it would differ from the file written before, so an
unchanged site writes none of them (and when Sphinx writes in parallel, the
pages are made in parallel too); pages no longer made are
removed; and a hand-written document at a page's path always wins, with a
warning that names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from functools import partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sphinx.util.parallel import ParallelTasks, make_chunks

from . import charts, heap, logs

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

_MANIFEST = '.kompass-pages'

#: What ``html-collect-pages`` yields: page, context, template.
Page = tuple[str, dict[str, Any], str]


class Section(NamedTuple):
    """A part of a generated page under a heading of its own."""

    title: str
    anchor: str
    body: nodes.Element


def _surroundings(app: Sphinx) -> str:
    """What a page shows around its body: the settings, the templates' input
    (tags) and every document's title and place in the navigation."""
    env = app.env
    info = getattr(app.builder, 'build_info', None)
    return hashlib.sha1(repr((
        getattr(info, 'config_hash', ''), getattr(info, 'tags_hash', ''),
        sorted(env.toctree_includes.items()),
        sorted((docname, title.astext()) for docname, title in env.titles.items()),
    )).encode('utf-8')).hexdigest()


class _Stale(NamedTuple):
    """A page to make: its file is missing or shows something else."""

    page: str
    title: str
    make: Callable[[], tuple[nodes.Element, list[Section]]]
    fingerprint: Callable[[], str]


#: Fewer pages to make than this are made in the main process, also in a
#: parallel build (a fork costs more than a page).
_FEWEST_FOR_PROCESSES = 8


class GeneratedPages:
    """The generated pages of one folder (``kommuner``, ``kriterier``) in one build."""

    def __init__(self, app: Sphinx, folder: str) -> None:
        self.app = app
        self.builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
        self.manifest = Path(self.builder.outdir, folder, _MANIFEST)
        self.before = self._read()
        self.made: dict[str, str] = {}
        self.stale: list[_Stale] = []
        self.surroundings = _surroundings(app)

    def _read(self) -> dict[str, str]:
        try:
            found = json.loads(self.manifest.read_text(encoding='utf-8'))
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def taken(self, page: str, what: str) -> bool:
        """Whether a document of the project stands at *page* (then it wins;
        *what* names the page that would have been generated, in the warning)."""
        if page not in self.app.env.found_docs:
            return False
        logs.emit(logs.Problem(
            logs.Kind.PAGE,
            f'this hand-written page is where {what} would be generated; it is kept '
            'and no page is generated (rename it to get the generated one)',
            (page, 1),
        ))
        return True

    def add(self, page: str, title: str, shows: Callable[[], object],
            make: Callable[[], tuple[nodes.Element, list[Section]]]) -> None:
        """A page of the folder, made (``write``) only when the file does not
        already show it.

        *shows* gives everything the page shows (the data its body is made
        from, and whether its chart is drawn); only when that, the title or the
        surroundings changed is the body made (*make*) and rendered: an
        unchanged site costs almost nothing here.
        """
        fingerprint = partial(self._fingerprint, title, shows)
        before = fingerprint()
        if (self.before.get(page) == before
                and Path(self.builder.get_outfilename(page)).is_file()):
            self.made[page] = before
            return  # written before, showing the same
        self.stale.append(_Stale(page, title, make, fingerprint))

    def _fingerprint(self, title: str, shows: Callable[[], object]) -> str:
        return hashlib.sha1(f'{self.surroundings}\n{title}\n{shows()!r}'.encode()).hexdigest()

    def write(self) -> Iterator[Page]:
        """The pages for Sphinx to write (``html-collect-pages``); then
        ``finish``. When Sphinx writes in parallel, forked processes make and
        write them instead (the main process would otherwise make every one,
        one after another, while the other processors wait) and none is yielded."""
        if self._in_parallel():
            self._write_in_parallel()
        else:
            for stale in self.stale:
                yield self._page(stale)
        self.finish()

    def _page(self, stale: _Stale) -> Page:
        intro, sections = stale.make()
        # Sphinx's templates take the title as HTML (as render_partial gives it).
        return stale.page, {'title': escape(stale.title),
                            'body': self.html(stale.title, intro, sections)}, 'page.html'

    def _in_parallel(self) -> bool:
        return (self.builder.parallel_ok and self.app.parallel > 1
                and len(self.stale) >= _FEWEST_FOR_PROCESSES)

    def _write_in_parallel(self) -> None:
        stale = {s.page: s for s in self.stale}

        def write_chunk(pages: list[str]) -> None:
            for page in pages:
                self.builder.handle_page(*self._page(stale[page]))

        tasks = ParallelTasks(self.app.parallel)
        # Forked with the heap shared (see heap.py); warnings come back with
        # each finished chunk (ParallelTasks), an error stops the build as in
        # Sphinx's own parallel writing.
        with heap.shared_with_forks():
            for chunk in make_chunks(sorted(stale), self.app.parallel):
                tasks.add_task(write_chunk, chunk)
            tasks.join()
        # A chart the pool is still drawing was only named by a page: what
        # the manifest remembers (drawn or not) is known once it is done.
        charts.wait_for_pending()

    def html(self, title: str, intro: nodes.Element, sections: list[Section]) -> str:
        """The page's body: headings written here (escaped), the rest by Sphinx."""
        def part(node: nodes.Element) -> str:
            return str(self.builder.render_partial(node)['fragment'])

        parts = [f'<section id="sida">\n<h1>{escape(title)}</h1>\n{part(intro)}']
        for section in sections:
            parts.append(f'<section id="{escape(section.anchor)}">\n'
                         f'<h2>{escape(section.title)}</h2>\n{part(section.body)}</section>')
        parts.append('</section>')
        return '\n'.join(parts)

    def finish(self) -> None:
        """Remove the pages no longer made (never a document's output), and
        remember what each page made now shows (a chart drawn now, say)."""
        for made in self.stale:
            self.made[made.page] = made.fingerprint()
        documents = self.app.env.found_docs
        for page in sorted(self.before.keys() - self.made.keys() - documents):
            gone = Path(self.builder.get_outfilename(page))
            if gone.is_file():
                gone.unlink()
        self.manifest.parent.mkdir(parents=True, exist_ok=True)
        self.manifest.write_text(json.dumps(self.made, sort_keys=True, indent=0) + '\n',
                                 encoding='utf-8')

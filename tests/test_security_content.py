"""What a report may put on the published site (issue 10, section 2).

A report is data: its raw HTML or LaTeX, its non-http(s) links and its files
from outside the repository are warnings, and reach no output. Files outside
the repository are not even opened: the outside "file" most includes name is
a named pipe, which a reader would block on and a watcher notices.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path, PurePosixPath

import pytest

from conftest import next_app, warnings_of

ROOT = Path(__file__).parent / 'roots' / 'test-security-content'
REPORT = '{root}/reports/ort-2024/index.md'
EXTRA = '{root}/reports/ort-2024/extra.md'
ALIAS = '{root}/reports/ort-2024/alias.md'  # the directives by their Swedish names

EXPECTED = [
    f'{REPORT}:10: WARNING: raw html is not published from a report; it was left out '
    '[kompass.raw]',
    f'{REPORT}:12: WARNING: raw html is not published from a report; it was left out '
    '[kompass.raw]',
    f'{REPORT}:14: WARNING: a {{raw}} block is not published from a report; it was left '
    'out [kompass.raw]',
    f"{REPORT}:18: WARNING: link target 'ftp://example.org/P-FTPLINK' is not published "
    '(only http, https and mailto links are); the link was removed '
    '[kompass.link]',
    f'{REPORT}:21: WARNING: link target "javascript:alert(\'P-JSLINK\')" is not published '
    '(only http, https and mailto links are); the link was removed '
    '[kompass.link]',
    f'{REPORT}:23: WARNING: a {{raw}} block is not published from a report; it was left '
    'out [kompass.raw]',
    f"{REPORT}:31: WARNING: {{include}} of '../../../utanfor/ror' is outside the "
    'repository; nothing was read from it [kompass.include]',
    f"{REPORT}:35: WARNING: {{literalinclude}} of 'lank.txt' goes through a symbolic "
    'link; nothing was read from it [kompass.include]',
    "WARNING: file 'reports/ort-2024/lank.txt' is a symbolic link; it is left out of the "
    'build [kompass.file]',
    f"{REPORT}:38: WARNING: {{csv-table}} :file: '/../utanfor/ror' is outside the "
    'repository; nothing was read from it [kompass.include]',
    f"{REPORT}:42: WARNING: figure '../../../utanfor/ror' is outside the repository; "
    'nothing was read from it [kompass.include]',
    f"{REPORT}:48: WARNING: image '../../../utanfor/P-IMAGE.png' is outside the "
    'repository; it was left out [kompass.include]',
    f"{REPORT}:50: WARNING: download '../../../utanfor/P-DOWNLOAD.txt' is outside the "
    'repository; the link was removed [kompass.include]',
    f"{EXTRA}:2: WARNING: front matter key 'myst' is not read in a report (a report may "
    'set only nosearch, orphan); it was left out [kompass.frontmatter]',
    f'{EXTRA}:31: WARNING: an http-equiv meta tag is not published from a report; it was '
    'left out [kompass.raw]',
    f"{EXTRA}:9: WARNING: image 'https://example.org/P-REMOTE.png' is not a file in the "
    'repository; nothing was read from it [kompass.include]',
    f'{EXTRA}:12: WARNING: math is LaTeX that the PDF would read as written, not published '
    'from a report; it is shown as text [kompass.raw]',
    f'{EXTRA}:14: WARNING: math is LaTeX that the PDF would read as written, not published '
    'from a report; it is shown as text [kompass.raw]',
    f"{EXTRA}:18: WARNING: {{literalinclude}} :diff: '../../../utanfor/ror' is outside the "
    'repository; nothing was read from it [kompass.include]',
    f'{EXTRA}:23: WARNING: a {{tabularcolumns}} column spec is raw LaTeX, not published '
    'from a report; it was left out [kompass.raw]',
    f'{ALIAS}:5: WARNING: a {{raw}} block is not published from a report; it was left out '
    '[kompass.raw]',
    f"{ALIAS}:9: WARNING: {{include}} of '../../../utanfor/ror' is outside the repository; "
    'nothing was read from it [kompass.include]',
    f"{ALIAS}:13: WARNING: {{csv-table}} :file: '../../../utanfor/ror' is outside the "
    'repository; nothing was read from it [kompass.include]',
    f"{ALIAS}:17: WARNING: image '../../../utanfor/P-IMAGE.png' is outside the repository; "
    'nothing was read from it [kompass.include]',
    f"{ALIAS}:20: WARNING: figure '../../../utanfor/ror' is outside the repository; "
    'nothing was read from it [kompass.include]',
    f"{ALIAS}:27: WARNING: {{include}} of '../../../utanfor/ror' is outside the repository; "
    'nothing was read from it [kompass.include]',
    f'{ALIAS}:36: WARNING: raw html is not published from a report; it was left out '
    '[kompass.raw]',
    f'{ALIAS}:38: WARNING: raw html is not published from a report; it was left out '
    '[kompass.raw]',
]

#: Written by the report; none of it may reach a rendered page or the PDF.
PAYLOADS = ('P-HTMLBLOCK', 'P-INLINE', 'P-RAWDIR', 'P-FTPLINK', 'P-JSLINK', 'P-RAWTEX',
            'P-META', 'P-REMOTE', 'P-IMAGE', 'P-DOWNLOAD', 'P-TABCOLS', 'P-ALIASRAW',
            # raw HTML in a motivation and a good example's sentence, quoted on
            # the criterion and municipality pages
            'P-MOTIVRAW', 'P-EXAMPLERAW')
#: Math is LaTeX: shown as text, never as LaTeX the PDF would run.
MATH = ('P-MATHROLE', 'P-MATHBLOCK')
#: The content of the files outside the repository: in no file of any build.
SECRETS = ('P-SECRET-PIPE', 'P-SECRET-IMAGE', 'P-SECRET-DOWNLOAD')


class PipeWatcher:
    """Notices whoever opens the named pipe for reading, and feeds it a secret."""

    def __init__(self, pipe: Path) -> None:
        self.pipe = pipe
        self.opened = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:  # succeeds only while a reader holds the pipe open
                fd = os.open(self.pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.01)
                continue
            self.opened = True
            try:
                os.write(fd, b'P-SECRET-PIPE\n')
            except OSError:
                pass  # the reader went away already
            finally:
                os.close(fd)

    def __enter__(self) -> PipeWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The test root as a repository, beside a folder that is not part of it."""
    repo = tmp_path / 'repo'
    shutil.copytree(ROOT, repo)
    outside = tmp_path / 'utanfor'
    outside.mkdir()
    os.mkfifo(outside / 'ror')
    (outside / 'P-IMAGE.png').write_text('P-SECRET-IMAGE', encoding='utf8')
    (outside / 'P-DOWNLOAD.txt').write_text('P-SECRET-DOWNLOAD', encoding='utf8')
    (repo / 'reports/ort-2024/lank.txt').symlink_to('../../../utanfor/ror')
    return repo


def _outputs(outdir: Path) -> dict[Path, str]:
    """Every file the build wrote, as text (LaTeX's hyphens as hyphens)."""
    return {
        p: p.read_bytes().decode('utf8', 'replace')
        .replace(r'\sphinxhyphen{}', '-').replace(r'\PYGZhy{}', '-')
        for p in outdir.rglob('*') if p.is_file()
    }


def test_report_content_is_data_in_every_output(make_app, repository, tmp_path) -> None:
    app = None
    with PipeWatcher(tmp_path / 'utanfor/ror') as watcher:
        for builder in ('html', 'latex', 'text'):
            kwargs = {'srcdir': repository, 'builddir': tmp_path / f'out-{builder}',
                      'freshenv': True}
            app = (make_app(builder, **kwargs) if app is None
                   else next_app(make_app, app, builder, **kwargs))
            app.build(force_all=True)
            assert sorted(warnings_of(app)) == sorted(EXPECTED), builder
            files = _outputs(Path(app.outdir).parent)
            for path, text in files.items():
                for secret in SECRETS:
                    assert secret not in text, (builder, path)
                assert 'P-IMAGE' not in path.name and 'P-DOWNLOAD' not in path.name
                if '_sources' in path.parts or 'doctrees' in path.parts:
                    continue  # the author's source as plain text; Sphinx's cache
                for payload in PAYLOADS:
                    assert payload not in text, (builder, path, payload)
                if path.suffix == '.tex':  # as text: \textbackslash{}input
                    assert r'\input{P-' not in text and r'\input{../' not in text, path
            written = ''.join(text for path, text in files.items()
                              if '_sources' not in path.parts and 'doctrees' not in path.parts)
            # What a report may use, and what the project's own pages keep.
            assert 'P-OK-INSIDE' in written
            if builder != 'text':  # plain text shows no link targets
                assert 'P-OK-HTTPS' in written
            assert 'P-FIGCAPTION' in written  # the figure's caption, without its image
            assert 'P-ALIASCAPTION' in written
            for formula in MATH:  # the author's text is kept, as text
                assert formula in written
            assert 'P-PROJECT-INCLUDED-MD' in written and 'P-PROJECT-INCLUDED-RST' in written
            if builder == 'html':
                assert '<div class="P-PROJECT-RAW">' in written
                assert 'P-OK-DESCRIPTION' in written  # a harmless meta tag stays
    assert not watcher.opened, 'a file outside the repository was opened'


def test_the_rule_holds_in_a_parallel_build(make_app, repository, tmp_path) -> None:
    app = make_app('html', srcdir=repository, builddir=tmp_path / 'out', freshenv=True,
                   parallel=2)
    with PipeWatcher(tmp_path / 'utanfor/ror') as watcher:
        app.build(force_all=True)
    assert sorted(warnings_of(app)) == sorted(EXPECTED)
    for path, text in _outputs(Path(app.outdir)).items():
        if '_sources' not in path.parts:
            assert not any(p in text for p in (*PAYLOADS, *SECRETS)), path
    assert not watcher.opened


def test_without_the_rule_the_root_does_leak(make_app, repository, tmp_path) -> None:
    """The root is a real attack: with the report outside kompass_reports_dir
    (where the rule does not apply), the payloads reach the page."""
    app = make_app('html', srcdir=repository, builddir=tmp_path / 'out', freshenv=True,
                   confoverrides={'kompass_reports_dir': 'elsewhere'})
    with PipeWatcher(tmp_path / 'utanfor/ror') as watcher:
        app.build(force_all=True)
    page = (Path(app.outdir) / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'P-HTMLBLOCK' in page and 'P-INLINE' in page and 'P-RAWDIR' in page
    assert 'P-SECRET-PIPE' in page
    # Links other than http(s) and mailto go on every page, whoever wrote them.
    assert 'P-JSLINK' not in page and 'P-FTPLINK' not in page
    assert watcher.opened
    assert list(Path(app.outdir).rglob('P-DOWNLOAD.txt'))


def test_paths_are_walked_as_the_system_walks_them(tmp_path) -> None:
    from kompass.sanitize import confinement

    root = tmp_path / 'repo'
    (root / 'reports/ort-2024').mkdir(parents=True)
    (root / 'reports/ort-2024/del.md').write_text('x', encoding='utf8')
    (tmp_path / 'deep/er').mkdir(parents=True)
    (root / 'reports/ort-2024/lank').symlink_to(tmp_path / 'deep/er')
    doc = PurePosixPath('reports/ort-2024')
    assert confinement(root, doc, 'del.md') is None
    assert confinement(root, doc, '../ort-2024/./del.md') is None
    assert confinement(root, doc, '/reports/ort-2024/del.md') is None
    outside = 'is outside the repository'
    assert confinement(root, doc, '../../../x') == outside
    assert confinement(root, doc, '/../x') == outside
    assert confinement(root, doc, '<isonum.txt>') == outside
    # Normalised, "lank/../../del.md" looks like a file of the folder; the
    # system follows the link first and ends outside.
    assert confinement(root, doc, 'lank/../../del.md') == 'goes through a symbolic link'


def test_link_schemes_are_read_as_a_browser_reads_them() -> None:
    from kompass.sanitize import unpublished_link

    for uri in ('javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)',
                'java\nscript:x', 'vbscript:x', 'data:text/html,x', 'ftp://x', 'file:///etc'):
        assert unpublished_link(uri), uri
    for uri in ('https://skr.se', 'http://x', 'mailto:a@b.se', 'omrade-1.html#x', '#id',
                '../index.html', '//cdn.example/x'):
        assert not unpublished_link(uri), uri


@pytest.mark.sphinx('html', testroot='security-content')
def test_every_name_of_a_guarded_directive_is_guarded(app) -> None:
    """docutils finds a directive by its name in the document's language first
    ({inkludera}, {rå}, {bild}), then imports its own class: every such name
    must give the guarded class (registered by *app*'s setup)."""
    from docutils.parsers.rst import directives
    from docutils.parsers.rst.languages import get_language
    from docutils.utils import new_document

    from kompass.sanitize import GUARDED, directive_aliases

    document = new_document('<test>')
    for canonical, guarded in GUARDED.items():
        names = directive_aliases(canonical)
        assert len(names) > 5, canonical  # docutils' languages were found
        for language in ('sv', 'en', 'de', 'fi'):
            for name in names:
                found, _ = directives.directive(name, get_language(language), document)  # type: ignore[arg-type]
                assert found is guarded, (language, name)

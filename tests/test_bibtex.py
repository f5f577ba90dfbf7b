"""Each report cites its own sources (issue 10, sections 4 and 5).

Two reports written the way Karlskrona's is (a ``kallor.bib`` in the folder,
a ``{bibliography}`` under "Källor", every report's .bib in conf.py) each
list their own sources, numbered from 1, in HTML and LaTeX, in serial and
parallel builds. Broken .bib files are located warnings, not tracebacks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import next_app, warnings_of

HAVE_TEX = all(shutil.which(tool) for tool in ('latexmk', 'pdflatex', 'pdftotext'))
needs_tex = pytest.mark.skipif(
    not HAVE_TEX and os.environ.get('CI') != 'true',
    reason='TeX is not installed (run: make tex-deps)',
)

C_BIB = '{root}/reports/cby-2024/kallor.bib'
D_BIB = '{root}/reports/dby-2024/kallor.bib'
EXPECTED = [
    f"{C_BIB}:6: WARNING: broken .bib entry 'c-trasig': '}}' expected (line 11) "
    '[kompass.bib]',
    '{root}/reports/cby-2024/latin1.bib:2: WARNING: this .bib file is not utf-8-sig text; '
    'its sources are left out [kompass.bib]',
    f"""{D_BIB}:4: WARNING: d-plan: url "javascript:alert('P-BIBURL')" is not a link that """
    'is published (only http, https and mailto are); the field is left out [kompass.link]',
    f"{D_BIB}:12: WARNING: the key 'd-plan' is defined twice in this file (first on line "
    '1); the second entry is ignored [kompass.bib]',
    f"{D_BIB}:7: WARNING: the key 'c-program' is also defined in reports/cby-2024/kallor.bib:1; "
    'a key names one document in the whole repository, so this entry is ignored (give it '
    'a key of its own, e.g. starting with the folder name) [kompass.bib]',
    "{root}/reports/dby-2024/index.md:12: WARNING: 'c-sist' is a source of another report "
    "(reports/cby-2024/kallor.bib:11); a report cites the documents in its own folder's .bib "
    'files [kompass.bib]',
]


def _sources(html: str) -> list[tuple[str, str]]:
    """A page's bibliography: (label, entry text) in order."""
    return re.findall(
        r'<span class="label"><span class="fn-bracket">\[</span>(?:<a [^>]*>)?(\d+)'
        r'(?:</a>)?<span class="fn-bracket">\]</span></span>\s*<p>(.*?)</p>', html, re.S)


def _page(app, docname: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / f'{docname}.html').read_text(encoding='utf8')


A_SOURCES = [('1', 'Aby kommun. Program a.'), ('2', 'Aby kommun. Styrmodell a. 2017.')]
B_SOURCES = [('1', 'Bstads kommun. Policy b.'), ('2', 'Bstads kommun. Strategi b.')]


def _check_reports(app) -> None:  # type: ignore[no-untyped-def]
    assert warnings_of(app) == []
    a_page = _page(app, 'reports/aby-2024/index')
    b_page = _page(app, 'reports/bstad-2024/index')
    assert _sources(a_page) == A_SOURCES
    # Without a filter: only what the report cites ("Oanvänd" is not), only its own.
    assert _sources(b_page) == B_SOURCES
    # Every citation links to an entry on its own report's page.
    for docname in ('reports/aby-2024/index', 'reports/aby-2024/omrade-1',
                    'reports/bstad-2024/index', 'reports/bstad-2024/omrade-1'):
        links = re.findall(r'class="bibtex-citation"[^>]*>\[<a class="reference internal" '
                           r'href="([^"]+)"', _page(app, docname))
        assert links, docname
        for link in links:
            assert link.startswith(('#', 'index.html#')), (docname, link)


@pytest.mark.sphinx('html', testroot='bibtex', freshenv=True)
def test_two_reports_number_their_own_sources(app) -> None:
    app.build(force_all=True)
    _check_reports(app)


@pytest.mark.sphinx('html', testroot='bibtex', freshenv=True, parallel=2)
def test_two_reports_number_their_own_sources_in_parallel(app) -> None:
    app.build(force_all=True)
    _check_reports(app)


def test_a_new_citation_updates_only_its_report(make_app, rootdir, tmp_path) -> None:
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-bibtex', src)
    app = make_app('html', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build()
    area = src / 'reports/bstad-2024/omrade-1.md'
    area.write_text(area.read_text(encoding='utf8') + '\nOch {cite:p}`b-oanvand`.\n',
                    encoding='utf8')
    again = next_app(make_app, app, 'html', srcdir=src, builddir=tmp_path / 'out')
    again.build()
    assert warnings_of(again) == []
    assert _sources(_page(again, 'reports/bstad-2024/index')) == [
        ('1', 'Bstads kommun. Oanvänd b.'), *[(str(int(n) + 1), t) for n, t in B_SOURCES]]
    assert _sources(_page(again, 'reports/aby-2024/index')) == A_SOURCES


def _tex_lists(tex: str) -> list[list[str]]:
    """The bibliographies of a .tex file: the labels of each list, in order."""
    return [re.findall(r'\\bibitem\[(\d+)\]', block)
            for block in re.findall(r'\\begin\{list\}(.*?)\\end\{list\}', tex, re.S)]


@pytest.mark.sphinx('latex', testroot='bibtex', freshenv=True)
def test_latex_keeps_each_list_in_its_report(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    out = Path(app.outdir)
    site = (out / 'projectnamenotset.tex').read_text(encoding='utf8')
    # Not gathered into one list at the end: one list per report, from [1].
    assert 'sphinxthebibliography' not in site
    assert _tex_lists(site) == [['1', '2'], ['1', '2']]
    for slug, own, other in (('aby-2024', 'Aby', 'Bstad'), ('bstad-2024', 'Bstad', 'Aby')):
        tex = (out / f'{slug}.tex').read_text(encoding='utf8')
        assert _tex_lists(tex) == [['1', '2']], slug  # each entry once (fresh nodes)
        assert own in tex and f'{other} kommun' not in tex and f'{other}s kommun' not in tex
        # Each citation's target is an entry of the same PDF.
        anchors = set(re.findall(r'\\bibitem\[\d+\]\{([^}]+)\}', tex))
        targets = set(re.findall(r'\\hyperlink\{cite\.([^}]+)\}', tex))
        assert targets and targets <= anchors, slug
        # The list stands in the report's "Källor", after its heading.
        assert tex.index('{Källor}') < tex.index(r'\begin{list}')


@needs_tex
@pytest.mark.sphinx('latex', testroot='bibtex', freshenv=True)
def test_the_site_pdf_prints_each_reports_sources_under_its_heading(app) -> None:
    app.build(force_all=True)
    subprocess.run(
        ['latexmk', '-pdf', '-interaction=nonstopmode', '-halt-on-error',
         'projectnamenotset.tex'],
        cwd=app.outdir, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        timeout=600,
    )
    text = subprocess.run(['pdftotext', str(Path(app.outdir) / 'projectnamenotset.pdf'), '-'],
                          capture_output=True, check=True, text=True).stdout
    assert re.search(r'Källor\s+Kommunens styrdokument som rapporten hänvisar till\.\s+'
                     r'\[1\] Aby kommun\. Program a\.\s+\[2\] Aby kommun\. Styrmodell a\.', text)
    assert re.search(r'Källor\s+Kommunens styrdokument som rapporten hänvisar till\.\s+'
                     r'\[1\] Bstads kommun\. Policy b\.\s+\[2\] Bstads kommun\. Strategi b\.',
                     text)
    assert 'Litteraturförteckning' not in text


@pytest.mark.sphinx('html', testroot='bibtex-problems', freshenv=True)
def test_broken_bib_files_are_located_warnings(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == EXPECTED
    assert app.statuscode == 0  # the build went on
    c_page = _page(app, 'reports/cby-2024/index')
    # The entries before and after the broken one are used.
    assert sorted(text for _, text in _sources(c_page)) == ['Cby kommun. Program c.', 'Sist c.']
    d_page = _page(app, 'reports/dby-2024/index')
    assert 'Plan d.' in d_page and 'P-BIBURL' not in d_page


def _read_warnings(monkeypatch, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """What reading one .bib file warns, as warning lines (file name only)."""
    from kompass import bibfiles

    said: list[str] = []
    monkeypatch.setattr(bibfiles, '_warn', lambda message, location, kind=bibfiles.Kind.BIB:
                        said.append(f'{location}: WARNING: {message} [kompass.{kind.value}]'))
    bibfiles._read_bibfile(path, 'utf-8-sig')
    return [line.replace(f'{path.parent}/', '') for line in said]


def test_a_bib_file_that_cannot_be_read_is_a_warning(tmp_path, monkeypatch) -> None:
    folder = tmp_path / 'kallor.bib'  # a folder by the name of a .bib file
    folder.mkdir()
    assert _read_warnings(monkeypatch, folder) == [
        'kallor.bib:1: WARNING: cannot read this .bib file: Is a directory [kompass.bib]']


def test_a_pybtex_failure_is_a_warning_not_a_traceback(tmp_path, monkeypatch) -> None:
    """Whatever pybtex's parser raises (its own bugs included) ends in a warning."""
    from pybtex.database.input.bibtex import Parser  # type: ignore[import-untyped]

    def broken(self, text):  # type: ignore[no-untyped-def]
        raise RuntimeError('pybtex broke')

    monkeypatch.setattr(Parser, 'parse_string', broken)
    path = tmp_path / 'kallor.bib'
    path.write_text('@book{a, title = {A}}\n', encoding='utf8')
    assert _read_warnings(monkeypatch, path) == [
        'kallor.bib:1: WARNING: cannot read this .bib file: pybtex broke; its sources are '
        'left out [kompass.bib]']


def test_a_reports_bibliography_reads_its_own_files_only(make_app, rootdir, tmp_path) -> None:
    """Without arguments, a report's {bibliography} reads its folder's .bib
    files: its nodes are its own entries (not every report's: N x N in the
    environment), and an edit of another report's .bib re-reads nothing of it."""
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-bibtex', src)
    app = make_app('html', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build()
    bibliographies = app.env.get_domain('cite').bibliographies
    own = {key.docname: sorted(value.citation_nodes) for key, value in bibliographies.items()}
    files = {folder: sorted(re.findall(r'@\w+\{([^,]+),', (src / folder / 'kallor.bib')
                                       .read_text(encoding='utf8')))
             for folder in ('reports/aby-2024', 'reports/bstad-2024')}
    assert own == {'reports/aby-2024/index': files['reports/aby-2024'],
                   'reports/bstad-2024/index': files['reports/bstad-2024']}
    bib = src / 'reports/bstad-2024/kallor.bib'
    bib.write_text(bib.read_text(encoding='utf8') + '\n@misc{b-ny, title = {Ny b}}\n',
                   encoding='utf8')
    again = next_app(make_app, app, 'html', srcdir=src, builddir=tmp_path / 'out')
    again.build()
    assert sorted(d for d in again.env.all_docs if again.env.all_docs[d] >
                  app.env.all_docs.get(d, 0)) == ['reports/bstad-2024/index']
    _check_reports(again)


@pytest.mark.sphinx('html', testroot='bibtex', freshenv=True)
def test_the_citation_order_is_computed_once_and_the_same(app) -> None:
    """The indexed domain gives sphinxcontrib-bibtex's own citation order and lists."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    app.build(force_all=True)
    domain = app.env.get_domain('cite')
    assert type(domain).__name__ == 'IndexedBibtexDomain'
    docnames = sorted(app.env.found_docs, reverse=True)
    ours = list(domain.get_all_cited_keys(docnames))
    assert ours and ours == list(BibtexDomain.get_all_cited_keys(domain, docnames))
    assert domain._kompass_order[0] is docnames  # kept for this list of documents
    # Each bibliography's entries, filtered over its own entries' citations only.
    for key in domain.bibliographies:
        ours_filtered = [k for k, _entry in domain.get_filtered_entries(key)]
        theirs = [k for k, _entry in BibtexDomain.get_filtered_entries(domain, key)]
        assert ours_filtered == theirs and ours_filtered
        # Sorted by first citation through an index, not a walk over every citation.
        ours_sorted = [k for k, _entry in domain.get_sorted_entries(key, docnames)]
        theirs_sorted = [k for k, _entry in
                         BibtexDomain.get_sorted_entries(domain, key, docnames)]
        assert ours_sorted == theirs_sorted and set(ours_sorted) == set(ours_filtered)


def test_formatted_sources_are_kept_until_an_entry_changes(make_app, rootdir, tmp_path,
                                                          monkeypatch) -> None:
    """pybtex formats a report's sources again only when they change: an edit
    of a report's text formats nothing; an edit of an entry shows at once."""
    from pybtex.style.formatting import BaseStyle  # type: ignore[import-untyped]

    formatted: list[str] = []
    original = BaseStyle.format_entry

    def counting(self, label, entry, *args, **kwargs):  # type: ignore[no-untyped-def]
        formatted.append(entry.key)
        return original(self, label, entry, *args, **kwargs)

    monkeypatch.setattr(BaseStyle, 'format_entry', counting)
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-bibtex', src)
    app = make_app('html', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build()
    assert formatted
    area = src / 'reports/aby-2024/omrade-1.md'
    area.write_text(area.read_text(encoding='utf8') + '\nEn mening till.\n', encoding='utf8')
    formatted.clear()
    again = next_app(make_app, app, 'html', srcdir=src, builddir=tmp_path / 'out')
    again.build()
    assert formatted == []
    _check_reports(again)
    bib = src / 'reports/bstad-2024/kallor.bib'
    bib.write_text(bib.read_text(encoding='utf8').replace('Policy B', 'Ny policy B'),
                   encoding='utf8')
    third = next_app(make_app, again, 'html', srcdir=src, builddir=tmp_path / 'out')
    third.build()
    assert formatted and all(key.startswith('b-') for key in formatted)
    assert 'Bstads kommun. Ny policy b.' in [t for _, t in
                                           _sources(_page(third, 'reports/bstad-2024/index'))]


def test_unchanged_bib_files_are_not_parsed_again_and_still_warn(make_app, rootdir, tmp_path,
                                                                 monkeypatch) -> None:
    """A .bib file is parsed again only when it changed; its problems are told
    on every build all the same."""
    from kompass import bibfiles

    parsed: list[str] = []
    original = bibfiles._read_bibfile

    def counting(path, encoding):  # type: ignore[no-untyped-def]
        parsed.append(path.name)
        return original(path, encoding)

    monkeypatch.setattr(bibfiles, '_read_bibfile', counting)
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-bibtex-problems', src)
    app = make_app('html', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build()
    first = warnings_of(app)
    assert parsed and first == EXPECTED
    area = next(src.glob('reports/*/index.md'))
    area.write_text(area.read_text(encoding='utf8') + '\nEn mening till.\n', encoding='utf8')
    parsed.clear()
    again = next_app(make_app, app, 'html', srcdir=src, builddir=tmp_path / 'out')
    again.build()
    # latin1.bib cannot be read as UTF-8: read (and warned about) again; the rest not.
    assert parsed == ['latin1.bib']
    assert warnings_of(again) == first

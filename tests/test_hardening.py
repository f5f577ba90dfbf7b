"""Hostile reports, as a reviewer attacked them (issue 10): nothing runs, leaks,
takes the place of what the build makes, or keeps the build busy for hours.

The root ``test-hardening`` is the attack: a report whose front matter turns
on MyST's Jinja2 substitutions, a ``javascript:`` toctree entry, an SVG image
and an HTML download, an image named like a computed chart, an include of
``.git/config``, includes with a ``:parser:``, and a bibliography filter that
backtracks for hours. The fixture adds what is not committed: file names
that are LaTeX, hidden and reserved names, symbolic links out of the
repository (a folder, a ``.bib``), a named pipe.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from conftest import next_app, status_of, warnings_of

ROOT = Path(__file__).parent / 'roots' / 'test-hardening'
ORT = '{root}/reports/ort-2024/index.md'
#: A document and an image whose names are LaTeX (``^^5c`` is a backslash to
#: TeX): unescaped in a label or in \sphinxincludegraphics, they read a file.
ODD_DOC = 'k}^^5cinput{^^2fetc^^2fhostname}^^5cdef^^5cx{'
ODD_IMAGE = 'q}.png}^^5cinput{^^2fetc^^2fhostname}^^5csphinxincludegraphics{{q.png'
CHART_NAME = 'kompass-areas-0123456789abcdef.png'
#: A module the report names as a :parser: (docutils would import it).
PROBE = 'kompass_hardening_probe'

SAFE = "a name other than letters a-z, digits, '-', '_' and '.' (starting with a letter or digit)"
RESERVED = ("a name starting with 'kompass-' or 'kriterium-' (kept for the charts the build "
            'draws)')
EXPECTED = [
    "WARNING: file 'reports/bstad-2024/kallor.bib' is a symbolic link; it is left out of the "
    'build [kompass.file]',
    "WARNING: file 'reports/ort-2024/.utkast.md' has a hidden name (starting with '.'); it is "
    'left out of the build [kompass.file]',
    "WARNING: folder 'reports/ort-2024/bad dir' has a name other than letters a-z, digits, "
    "'-', '_' and '.' (starting with a letter or digit); nothing in it is built "
    '[kompass.file]',
    "WARNING: file 'reports/ort-2024/kompass-areas-0123456789abcdef.png' has a name starting "
    "with 'kompass-' or 'kriterium-' (kept for the charts the build draws); it is left out "
    'of the build [kompass.file]',
    f"WARNING: file 'reports/ort-2024/{ODD_DOC}.md' has {SAFE}; it is left out of the build "
    '[kompass.file]',
    "WARNING: file 'reports/ort-2024/lankmapp' is a symbolic link; it is left out of the "
    'build [kompass.file]',
    "WARNING: file 'reports/ort-2024/pipe.txt' is not a regular file; it is left out of the "
    'build [kompass.file]',
    f"WARNING: file 'reports/ort-2024/{ODD_IMAGE}' has {SAFE}; it is left out of the build "
    '[kompass.file]',
    f"{ORT}:3: WARNING: front matter key 'title' is not read in a report (a report may set "
    'only nosearch, orphan); it was left out [kompass.frontmatter]',
    f"{ORT}:4: WARNING: front matter key 'myst' is not read in a report (a report may set "
    'only nosearch, orphan); it was left out [kompass.frontmatter]',
    f"{ORT}:6: WARNING: front matter key 'substitutions' is not read in a report (a report "
    'may set only nosearch, orphan); it was left out [kompass.frontmatter]',
    # Sphinx's own: the toctree names the documents that were left out.
    f"{ORT}:19: WARNING: toctree contains reference to nonexisting document "
    f"'reports/ort-2024/{ODD_DOC}' [toc.not_readable]",
    f"{ORT}:19: WARNING: toctree contains reference to nonexisting document "
    "'reports/ort-2024/lankmapp/hemlig' [toc.not_readable]",
    f"{ORT}:31: WARNING: image '{CHART_NAME}' has {RESERVED}; nothing was read from it "
    '[kompass.include]',
    f"{ORT}:37: WARNING: {{literalinclude}} of '../../.git/config' goes through '.git', a "
    "hidden name (starting with '.'); nothing was read from it [kompass.include]",
    f"{ORT}:40: WARNING: {{include}} of 'del.md' names a :parser: (a report is read with its "
    'own parser only); nothing was read from it [kompass.include]',
    f"{ORT}:45: WARNING: {{include}} of 'del.md' names a :parser: (a report is read with its "
    'own parser only); nothing was read from it [kompass.include]',
    f"{ORT}:49: WARNING: image 'q}}.png}}^^5cinput{{^^2fetc^^2fhostname}}^^5csphinxincludegraphi…' "
    f'has {SAFE}; nothing was read from it [kompass.include]',
    # Then what the read-time transform finds in the finished document.
    f'{ORT}:19: WARNING: link target "javascript://example.org/%0Aalert(\'P-TOCJS\')" is not '
    'published (only http, https and mailto links are); the link was removed [kompass.link]',
    f"{ORT}:29: WARNING: image 'logo.svg' is not a file type a report may publish (only "
    '.gif, .jpeg, .jpg, .png, .webp); it was left out [kompass.include]',
    *[f"{ORT}:35: WARNING: download 'bilaga.html' is not a file type a report may publish "
      '(only .csv, .doc, .docx, .gif, .jpeg, .jpg, .odp, .ods, .odt, .pdf, .png, .ppt, '
      '.pptx, .txt, .webp, .xls, .xlsx); the link was removed [kompass.include]'] * 2,
    "{root}/reports/aby-2024/index.md:18: WARNING: a report's bibliography :filter: may use "
    "'%' only with plain text (letters, digits, '-', '_' and ':', perhaps between '^' and "
    "'$'), not a regular expression; the filter is ignored and the list shows what the "
    'report cites [kompass.bib]',
    # The only .bib of Bstad's report was a link out of the repository.
    '{root}/reports/bstad-2024/index.md:10: WARNING: could not find bibtex key "b-policy" '
    '[bibtex.key_not_found]',
]

#: What the attack would have put into an output; none of it may be there.
PAYLOADS = ('P-SSTI-RAN', 'P-OLDSUBST-RAN', 'P-SSTI-INCLUDE-RAN', 'P-TOCJS',
            'P-SVG', 'P-HTMLFILE', 'P-FORGED', 'P-ODD-DOC', 'P-ODD-IMAGE', 'P-HIDDEN-DOC',
            'P-BADDIR-DOC', 'P-FM-TITLE')
#: Files outside the report or the repository: in no file of any build, at all.
SECRETS = ('P-GIT-SECRET', 'P-SECRET-LINKDIR', 'P-SECRET-BIB')


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The root as a repository, with the names and links git would carry."""
    repo = tmp_path / 'repo'
    shutil.copytree(ROOT, repo)
    outside = tmp_path / 'utanfor'
    outside.mkdir()
    (outside / 'hemlig.md').write_text('# Hemlig\n\nP-SECRET-LINKDIR\n', encoding='utf8')
    (outside / 'kallor.bib').write_text('@misc{b-policy,\n  title = {P-SECRET-BIB},\n}\n',
                                        encoding='utf8')
    (repo / '.git').mkdir()
    (repo / '.git/config').write_text('[remote]\n  url = P-GIT-SECRET\n', encoding='utf8')
    (repo / 'reports/bstad-2024/kallor.bib').symlink_to('../../../utanfor/kallor.bib')
    ort = repo / 'reports/ort-2024'
    (ort / 'lankmapp').symlink_to('../../../utanfor')
    (ort / f'{ODD_DOC}.md').write_text('# Udda\n\nP-ODD-DOC\n', encoding='utf8')
    (ort / ODD_IMAGE).write_bytes(b'P-ODD-IMAGE')
    (ort / '.utkast.md').write_text('# Utkast\n\nP-HIDDEN-DOC\n', encoding='utf8')
    (ort / 'bad dir').mkdir()
    (ort / 'bad dir/sida.md').write_text('# Sida\n\nP-BADDIR-DOC\n', encoding='utf8')
    os.mkfifo(ort / 'pipe.txt')
    (ort / CHART_NAME).write_bytes(b'P-FORGED')
    index = ort / 'index.md'
    text = index.read_text(encoding='utf8')
    text = text.replace('omrade-1\n', f'omrade-1\n{ODD_DOC}\nlankmapp/hemlig\n')
    index.write_text(f'{text}\n```{{image}} {ODD_IMAGE}\n```\n', encoding='utf8')
    # Would be imported by a :parser: option; the Jinja2 template would touch the file.
    probe = tmp_path / 'probe'
    probe.mkdir()
    (probe / f'{PROBE}.py').write_text('from docutils.parsers.rst import Parser\n',
                                       encoding='utf8')
    monkeypatch.syspath_prepend(str(probe))
    monkeypatch.setenv('KOMPASS_PROBE', str(tmp_path / 'ran'))
    yield repo
    sys.modules.pop(PROBE, None)


def _outputs(outdir: Path) -> dict[Path, str]:
    """Every file the build wrote, as text (LaTeX's hyphens as hyphens)."""
    return {
        p: p.read_bytes().decode('utf8', 'replace')
        .replace(r'\sphinxhyphen{}', '-').replace(r'\PYGZhy{}', '-')
        for p in outdir.rglob('*') if p.is_file()
    }


def _check_outputs(build: Path, builder: str) -> None:
    files = _outputs(build)
    for path, text in files.items():
        assert not any(s in text for s in SECRETS), (builder, path)
        assert not any(s in path.name for s in ('^^', 'P-', CHART_NAME, 'bilaga', 'logo')), path
        if '_sources' in path.parts or 'doctrees' in path.parts:
            continue  # the author's own text; Sphinx's cache
        assert not [p for p in PAYLOADS if p in text], (builder, path)
        if path.suffix == '.tex':
            assert '^^' not in text, path  # TeX reads ^^5c as a backslash
    written = ''.join(text for path, text in files.items()
                      if '_sources' not in path.parts and 'doctrees' not in path.parts)
    # What the report may do is done: the https entry, its page, the CSV.
    assert 'P-OK-AREA' in written
    if builder == 'html':  # a toctree's web links are the site's navigation only
        assert 'P-OK-TOC' in written
        assert [p.name for p in build.rglob('_downloads/*/*')] == ['tabell.csv']
        # The template is the author's text, shown as text.
        page = (build / 'html/reports/ort-2024/index.html').read_text(encoding='utf8')
        assert '{{ old }}' in page


def test_a_hostile_report_reaches_no_output(make_app, hostile, tmp_path) -> None:
    app = None
    for builder in ('html', 'latex', 'text'):
        kwargs = {'srcdir': hostile, 'builddir': tmp_path / f'out-{builder}', 'freshenv': True}
        app = (make_app(builder, **kwargs) if app is None
               else next_app(make_app, app, builder, **kwargs))
        app.build(force_all=True)
        # sphinxcontrib-bibtex tells its own warning once per LaTeX document.
        twice = EXPECTED[-1:] if builder == 'latex' else []
        assert warnings_of(app) == EXPECTED + twice, builder
        # The outside .bib is named by its place in the repository, never by its target.
        assert str(tmp_path / 'utanfor') not in app.warning.getvalue()
        _check_outputs(tmp_path / f'out-{builder}', builder)
        # Nothing ran: no template, no import of what a report names.
        assert not (tmp_path / 'ran').exists()
        assert PROBE not in sys.modules


def test_an_unchanged_project_is_not_read_again(make_app, hostile, tmp_path) -> None:
    """The files left out are added to exclude_patterns with a value that is
    the same on every run: the second build reads nothing."""
    # The committed report: its toctree names no missing document (Sphinx
    # reads a document that does again on every build).
    shutil.copy(ROOT / 'reports/ort-2024/index.md', hostile / 'reports/ort-2024/index.md')
    app = make_app('html', srcdir=hostile, builddir=tmp_path / 'out', freshenv=True)
    app.build()
    again = next_app(make_app, app, 'html', srcdir=hostile, builddir=tmp_path / 'out')
    again.build()
    assert 'exclude_patterns' not in status_of(again)
    assert 'updating environment: 0 added, 0 changed, 0 removed' in status_of(again)
    # Still told: a problem is warned about until it is fixed.
    assert [w for w in warnings_of(again) if '[kompass.file]' in w] == EXPECTED[:8]


def test_the_rules_hold_in_a_parallel_build(make_app, hostile, tmp_path) -> None:
    app = make_app('html', srcdir=hostile, builddir=tmp_path / 'out', freshenv=True,
                   parallel=2)
    app.build(force_all=True)
    assert sorted(warnings_of(app)) == sorted(EXPECTED)
    _check_outputs(tmp_path / 'out', 'html')
    assert not (tmp_path / 'ran').exists()


def test_the_root_is_an_attack(make_app, hostile, tmp_path) -> None:
    """With the report outside kompass_reports_dir (where the rules do not hold),
    the front matter does run its template, and the files are used."""
    app = make_app('html', srcdir=hostile, builddir=tmp_path / 'out', freshenv=True,
                   confoverrides={'kompass_reports_dir': 'elsewhere'})
    app.build(force_all=True)
    page = (Path(app.outdir) / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'P-SSTI-RAN' in page and 'P-OLDSUBST-RAN' in page
    assert (tmp_path / 'ran').exists()
    assert PROBE in sys.modules
    assert (Path(app.outdir) / '_images' / CHART_NAME).exists()
    assert (Path(app.outdir) / 'reports/ort-2024/lankmapp/hemlig.html').exists()


# --- the pieces, one by one ---------------------------------------------------------------


@pytest.mark.parametrize('name', ['a*b.md', 'a?b.md', 'a[b].md', 'x]y.md', 'a\\b.md',
                                  'a**/b.md', 'a[!b].md', 'a\nb.md', 'a\u0308.md'])
def test_an_exclude_pattern_matches_its_file_alone(name: str) -> None:
    import unicodedata

    from sphinx.util.matching import Matcher

    from kompass.reportfiles import exclude_pattern

    path = f'reports/ort-2024/{name}'
    matcher = Matcher([exclude_pattern(path)])
    assert matcher(unicodedata.normalize('NFC', path))  # Sphinx matches NFC names
    for other in ('reports/ort-2024/ab.md', 'reports/ort-2024/axb.md', 'reports/ort-2024/b.md',
                  'reports/ort-2024/a/b.md', 'reports/ort-2024/index.md'):
        assert not matcher(other), (name, other)


def test_names_are_judged_one_by_one() -> None:
    from kompass.reportfiles import NameProblem, name_problem

    for name in ('index.md', 'omrade-1.md', 'kallor.bib', 'Bild_2.PNG', 'ort-2024'):
        assert name_problem(name, is_file=True) is None, name
    assert name_problem('.git', is_file=False) is NameProblem.HIDDEN
    for name in ('-rf.md', '_x.md', 'a b.md', 'å.md', 'a;b', 'a$b', "a'b", 'a{b}.md', ''):
        assert name_problem(name, is_file=True) is NameProblem.UNSAFE, name
    assert name_problem('Kompass-areas-1.svg', is_file=True) is NameProblem.RESERVED
    assert name_problem('kriterium-1.png', is_file=True) is NameProblem.RESERVED
    assert name_problem('kompass-mapp', is_file=False) is None  # no chart is a folder


def test_the_score_data_files_are_left_to_the_domain(tmp_path) -> None:
    """reports/scores.csv is read by the domain whatever exclude_patterns says,
    so the scan does not claim to leave it out (the domain checks it)."""
    from kompass.reportfiles import Refused, refused_entries

    (tmp_path / 'reports/ort-2024').mkdir(parents=True)
    (tmp_path / 'reports/scores.csv').symlink_to('/dev/null')
    (tmp_path / 'reports/ort-2024/del.md').symlink_to('/dev/null')
    assert refused_entries(tmp_path, 'reports', frozenset({'reports/scores.csv'})) == [
        Refused('reports/ort-2024/del.md', False, 'is a symbolic link')]
    assert len(refused_entries(tmp_path, 'reports')) == 2


def test_front_matter_keeps_its_lines_and_only_the_page_flags() -> None:
    from myst_parser.config.main import read_topmatter

    from kompass.frontmatter import neutralised

    # Line breaks of every kind str.splitlines knows, and a flow mapping.
    text = ('---\r\norphan: yes\r\nmyst: {enable_extensions: [substitution]}\u2028'
            'nosearch: 1\x0btitle: x\n---\n# Rubrik\n\nText {{ 1 }}\n')
    new, dropped = neutralised(text)
    assert dropped == [('myst', 3), ('title', 5)]
    assert read_topmatter(new) == {'orphan': True, 'nosearch': True}
    assert len(new.splitlines()) == len(text.splitlines())
    assert new.count('\n') == text.count('\n') and new.endswith('---\n# Rubrik\n\nText {{ 1 }}\n')
    # One line holding everything; nothing kept: an empty mapping, not an empty block.
    new, dropped = neutralised('---\n{myst: {substitutions: {a: 1}}, html_meta: {}}\n---\n#\n')
    assert dropped == [('myst', 2), ('html_meta', 2)]
    assert new == '---\n{}\n---\n#\n' and read_topmatter(new) == {}
    # Closed by "..." as MyST reads it; or not closed at all.
    assert neutralised('---\nmyst: {}\n...\n# R\n')[0] == '---\n{}\n...\n# R\n'
    assert neutralised('---\nmyst: {}\n')[0] == '---\n{}\n'
    # Nothing MyST would read: left as it is.
    for same in ('# R\n', '---\norphan: true\n---\n', '---\n: [\n---\n', '---\n- a\n---\n',
                 ' ---\nmyst: {}\n---\n'):
        assert neutralised(same) == (same, []), same


def test_filters_may_search_for_plain_text_only() -> None:
    from kompass.bibtex import _plain_matches

    for ok in ('cited', 'cited and key % "^karlskrona-"', 'key % "a-2" or type == "misc"',
               'key % "^a$"', 'True'):
        assert _plain_matches(ast.parse(ok)), ok
    for bad in ('key % "^(a|a)*$"', 'key % "a.*"', 'key % author', 'cited and (key % "[a]")',
                'key % ("a" + "b")', 'not key % "x+"'):
        assert not _plain_matches(ast.parse(bad)), bad

def test_latex_keys_are_letters_digits_and_separators() -> None:
    from kompass.bibtex import latex_key

    assert latex_key('reports/aby-2024/index:id3') == 'reports/aby-2024/index:id3'
    odd = [ODD_DOC + ':id1', 'a}b:id1', 'a.7d.b:id1', 'a_b:id1', 'ä:id1', 'a.b:id1']
    keys = [latex_key(text) for text in odd]
    assert all(re.fullmatch(r'[A-Za-z0-9/:.-]+', key) for key in keys), keys
    assert len(set(keys)) == len(keys)  # two texts, two keys
    assert latex_key('a}b') == 'a.7d.b'

def test_citation_links_and_entries_share_escaped_keys(make_app, rootdir, tmp_path) -> None:
    """A page whose name is LaTeX, citing: sphinxcontrib-bibtex's links and the
    entries here carry the same key, in which nothing is LaTeX."""
    src = tmp_path / 'src'
    src.mkdir()
    (src / 'conf.py').write_text(
        "extensions = ['kompass', 'sphinxcontrib.bibtex']\nlanguage = 'sv'\n"
        "exclude_patterns = ['_build']\nkompass_check_municipalities = False\n"
        "bibtex_bibfiles = ['kallor.bib']\nbibtex_default_style = 'plain'\n"
        "bibtex_reference_style = 'label'\n", encoding='utf8')
    (src / 'kallor.bib').write_text('@misc{k-plan,\n  title = {Plan K},\n}\n', encoding='utf8')
    page = 'käll{o}r_1'
    (src / 'index.md').write_text(f'# Plats\n\n```{{toctree}}\n{page}\n```\n', encoding='utf8')
    (src / f'{page}.md').write_text('# Källor\n\nSe {cite:p}`k-plan`.\n\n```{bibliography}\n```\n',
                                    encoding='utf8')
    app = make_app('latex', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == []
    tex = (Path(app.outdir) / 'projectnamenotset.tex').read_text(encoding='utf8')
    entries = re.findall(r'\\bibitem\[1\]\{([^}]*)\}', tex)
    assert len(entries) == 1 and re.fullmatch(r'k\.e4\.ll\.7b\.o\.7d\.r\.5f\.1:id\d+', entries[0])
    assert re.findall(r'\\hyperlink\{cite\.([^}]*)\}', tex) == entries


def test_a_report_filter_cannot_backtrack_for_hours(make_app, rootdir, tmp_path) -> None:
    """``%`` is a regular expression search: ``(a|a)*$`` takes twice as long
    for each ``a`` of a key ending in ``!`` (40 of them: hours). In a report
    only plain text may follow it."""
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-bibtex', src)
    index = src / 'reports/aby-2024/index.md'
    index.write_text(index.read_text(encoding='utf8').replace('"^a-"', '"^(a|a)*$"'),
                     encoding='utf8')
    with (src / 'reports/aby-2024/kallor.bib').open('a', encoding='utf8') as bib:
        bib.write('\n@misc{aaaaaaaaaaaaaaaaaaaaaa!,\n  title = {Obetitlad},\n}\n')
    app = make_app('html', srcdir=src, builddir=tmp_path / 'out', freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == [
        "{root}/reports/aby-2024/index.md:20: WARNING: a report's bibliography :filter: may use "
        "'%' only with plain text (letters, digits, '-', '_' and ':', perhaps between '^' and "
        "'$'), not a regular expression; the filter is ignored and the list shows what the "
        'report cites [kompass.bib]',
    ]
    page = (Path(app.outdir) / 'reports/aby-2024/index.html').read_text(encoding='utf8')
    assert 'Program a.' in page and 'Styrmodell a.' in page and 'Obetitlad' not in page


def test_dropped_bib_links_are_located_in_one_pass() -> None:
    """Each dropped url's line was found by scanning the whole file again:
    6000 of them took about 20 s. Now the entry's own text is searched."""
    from pybtex.database.input.bibtex import Parser  # type: ignore[import-untyped]

    from kompass import bibfiles

    count = 6000
    text = ''.join(f'@misc{{k{i},\n  title = {{T{i}}},\n  url = {{javascript:x{i}}},\n}}\n\n'
                   for i in range(count))
    entries = Parser('utf-8').parse_string(text).entries
    start = time.perf_counter()
    problems, dropped = bibfiles._unpublished_links(text, bibfiles._Lines(text), entries)
    elapsed = time.perf_counter() - start
    assert [line for _, _, line in problems] == [5 * i + 3 for i in range(count)]
    assert len(dropped) == count
    assert elapsed < 2, elapsed


def test_editor_files_beside_a_report_are_passed_over(tmp_path) -> None:
    """An evaluator's editor leaves swap, backup and lock files while a report
    is open: no warning (make check stays quiet) and no change to
    exclude_patterns (no rebuild of everything in make live). A folder so
    named is judged as any other, since Sphinx would read what is in it."""
    from kompass.reportfiles import Refused, refused_entries

    folder = tmp_path / 'reports/ort-2024'
    folder.mkdir(parents=True)
    for name in ('index.md', '.index.md.swp', '.index.md.swo', 'index.md~', '#index.md#',
                 '.~lock.tabell.csv#', '.DS_Store', 'Thumbs.db'):
        (folder / name).write_text('x', encoding='utf8')
    (folder / '.#index.md').symlink_to('root@host.1234')  # an Emacs lock
    (tmp_path / 'reports/kopia~').mkdir()
    (tmp_path / 'reports/kopia~/index.md').write_text('x', encoding='utf8')
    assert refused_entries(tmp_path, 'reports') == [
        Refused('reports/kopia~', True, "has a name other than letters a-z, digits, '-', "
                "'_' and '.' (starting with a letter or digit)")]


def test_the_criteria_folder_holds_no_pages(make_app, tmp_path, monkeypatch) -> None:
    """A Markdown file a pull request puts in criteria/ is not read as a page
    (it would have none of the reports' rules: its front matter turns on
    MyST's templates), and a link there to a folder is not walked into."""
    repo = tmp_path / 'repo'
    shutil.copytree(ROOT, repo)
    outside = tmp_path / 'utanfor'
    outside.mkdir()
    (outside / 'hemlig.md').write_text('# Hemlig\n\nP-SECRET-LINKDIR\n', encoding='utf8')
    (repo / 'criteria/lankmapp').symlink_to('../../utanfor')
    (repo / 'criteria/sida.md').write_text(
        '---\norphan: true\nmyst:\n  enable_extensions: [substitution]\n---\n# Sida\n\n'
        "{{ cycler.__init__.__globals__.os.popen('touch \"$KOMPASS_PROBE\"').read() }}\n\n"
        '<script>P-CRITERIA-SCRIPT</script>\n', encoding='utf8')
    monkeypatch.setenv('KOMPASS_PROBE', str(tmp_path / 'ran'))
    app = make_app('html', srcdir=repo, builddir=tmp_path / 'out', freshenv=True)
    app.build(force_all=True)
    assert not (tmp_path / 'ran').exists()
    assert not any(docname.startswith('criteria/') for docname in app.env.found_docs)
    for path, text in _outputs(Path(app.outdir)).items():
        assert 'P-CRITERIA-SCRIPT' not in text and 'P-SECRET-LINKDIR' not in text, path
    assert 'mini' in app.env.get_domain('kompass').catalogues  # the data is still read

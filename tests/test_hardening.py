"""Hostile input (issue 10, the review's findings): nothing runs, leaks or
takes the place of what the build makes, and no input takes the build hours.
"""

from __future__ import annotations

import ast
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import warnings_of

ODD_DOC = 'k}^^5cinput{^^2fetc^^2fhostname}^^5cdef^^5cx{'


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

"""``make site`` and ``make preview`` (kompass.publish): the PDFs the pages link
end up beside them, a missing one fails the publication, and a pull request's
preview builds the PDFs of exactly the reports it changes. A fake LaTeX
Makefile stands in for TeX; the real PDFs are tested in test_pdf.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kompass.publish import linked_pdfs, main, preview, site

_PAGE = '<a href="{0}pdf/{1}.pdf" type="application/pdf">PDF</a>'


def _latex(folder: Path, *names: str, pdfs: tuple[str, ...] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f'{name}.tex').write_text('\\documentclass{article}', encoding='utf8')
    for name in pdfs:
        (folder / f'{name}.pdf').write_bytes(b'%PDF-1.4 ' + name.encode())
    return folder


def _html(folder: Path, links: dict[str, str]) -> Path:
    for page, pdf in links.items():
        path = folder / page
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = '../' * page.count('/')
        path.write_text(_PAGE.format(prefix, pdf), encoding='utf8')
    return folder


def test_site_copies_every_documents_pdf_and_fails_on_a_missing_one(tmp_path, capsys) -> None:
    latex = _latex(tmp_path / 'latex', 'ort-2024', 'kommunkompassen',
                   pdfs=('ort-2024', 'kompass-areas-1234'))  # a chart, not a document
    html = _html(tmp_path / 'html', {'reports/ort-2024/index.html': 'ort-2024',
                                     'reports/ort-2024/omrade-1.html': 'ort-2024',
                                     'index.html': 'kommunkompassen'})
    assert linked_pdfs(html) == {
        'kommunkompassen.pdf': ['index.html'],
        'ort-2024.pdf': ['reports/ort-2024/index.html', 'reports/ort-2024/omrade-1.html'],
    }
    assert site(latex, html) == 1
    err = capsys.readouterr().err
    assert 'missing PDF pdf/kommunkompassen.pdf, linked from index.html' in err
    assert 'make latexpdf' in err
    assert sorted(p.name for p in (html / 'pdf').iterdir()) == ['ort-2024.pdf']
    (latex / 'kommunkompassen.pdf').write_bytes(b'%PDF-1.4')
    chart = html / '_images/kompass-areas-1.svg'
    chart.parent.mkdir()
    chart.write_text('<svg/>', encoding='utf8')
    chart.chmod(0o600)
    assert site(latex, html) == 0
    assert chart.stat().st_mode & 0o777 == 0o644  # a web server may serve it
    assert (html / 'pdf/ort-2024.pdf').read_bytes() == b'%PDF-1.4 ort-2024'


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, 'GIT_AUTHOR_NAME': 't', 'GIT_AUTHOR_EMAIL': 't@t',
           'GIT_COMMITTER_NAME': 't', 'GIT_COMMITTER_EMAIL': 't@t'}
    return subprocess.run(['git', *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


_FAKE_LATEX_MAKEFILE = """\
%.pdf: %.tex
\t@test "$*" != broken-2024
\t@printf '%%PDF-1.4 %s' "$*" > $@
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with two reports on main, and a branch changing one of
    them, adding one whose PDF fails, and adding a folder with a hostile name."""
    repo = tmp_path / 'repo'
    for slug in ('ort-2024', 'stad-2023', 'broken-2024'):
        (repo / 'reports' / slug).mkdir(parents=True)
        (repo / 'reports' / slug / 'index.md').write_text('# R\n', encoding='utf8')
    (repo / 'reports/scores.csv').write_text('slug\n', encoding='utf8')
    _git(repo, 'init', '-q', '-b', 'main')
    _git(repo, 'add', '-A')
    _git(repo, 'commit', '-qm', 'base')
    _git(repo, 'checkout', '-qb', 'change')
    (repo / 'reports/ort-2024/omrade-1.md').write_text('# Område 1\n', encoding='utf8')
    (repo / 'reports/broken-2024/index.md').write_text('# Ändrad\n', encoding='utf8')
    hostile = repo / 'reports' / '$(touch pwned)`touch pwned`'
    hostile.mkdir()
    (hostile / 'index.md').write_text('# X\n', encoding='utf8')
    (repo / 'reports/scores.csv').write_text('slug\nx\n', encoding='utf8')  # not a report
    _git(repo, 'add', '-A')
    _git(repo, 'commit', '-qm', 'change')
    return repo


def test_preview_builds_the_pdfs_of_the_changed_reports_only(repo, tmp_path, capsys) -> None:
    latex = _latex(tmp_path / 'latex', 'ort-2024', 'stad-2023', 'broken-2024', 'kommunkompassen')
    (latex / 'Makefile').write_text(_FAKE_LATEX_MAKEFILE, encoding='utf8')
    html = tmp_path / 'html'
    summary = tmp_path / 'preview.md'
    done = preview(latex, html, 'main', cwd=repo, summary=summary)
    out = capsys.readouterr().out
    assert summary.read_text(encoding='utf8') == out
    assert done == 1  # broken-2024's PDF did not build
    assert sorted(p.name for p in (html / 'pdf').iterdir()) == ['ort-2024.pdf']
    assert not (latex / 'stad-2023.pdf').exists()  # unchanged: not built
    assert '- `ort-2024`: webbplatsen och `pdf/ort-2024.pdf`' in out
    assert '- `broken-2024`: **PDF:en kunde inte byggas**' in out
    assert '- (en mapp vars namn inte är en slug): ingen PDF' in out
    assert 'touch' not in out and 'pwned' not in out
    assert not list(repo.rglob('pwned')) and not list(tmp_path.rglob('pwned'))
    assert not list(Path.cwd().glob('pwned'))


def test_preview_names_deleted_reports_and_needs_a_revision(repo, tmp_path, capsys) -> None:
    _git(repo, 'rm', '-rq', 'reports/stad-2023')
    _git(repo, 'commit', '-qm', 'remove')
    latex = _latex(tmp_path / 'latex', 'ort-2024')
    (latex / 'Makefile').write_text(_FAKE_LATEX_MAKEFILE, encoding='utf8')
    preview(latex, tmp_path / 'html', 'main', cwd=repo)
    assert '- `stad-2023`: borttagen' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(['preview', '--latex', str(latex), '--html', str(tmp_path), '--base', '--output=x'])
    assert not (repo / 'x').exists()

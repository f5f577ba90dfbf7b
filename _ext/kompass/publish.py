"""``make site`` and ``make preview``: the HTML site with its PDFs beside it.

``make latexpdf`` writes one PDF per LaTeX document (``<slug>.pdf`` per report,
``kommunkompassen.pdf`` for the whole site) into the LaTeX folder; the pages
link them under ``pdf/`` (:mod:`kompass.htmlpage`). This copies them there.

- ``site`` (publishing): every PDF, and it fails naming each PDF a page links
  that is missing, so the published site never has a broken PDF link.
- ``preview`` (a pull request): builds only the PDFs of the reports changed
  since ``--base`` and copies those; writes Markdown saying which, for the job
  summary (``--summary``). Names from the repository appear only as slugs.

Run as ``python -m kompass.publish site|preview ...``; every value is an
argument, never a shell string.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from .htmlpage import PDF_DIR

#: A LaTeX document's (and so its PDF's) name: a report's slug or the site's.
_NAME = re.compile(r'[a-z0-9][a-z0-9-]*')
_HREF = re.compile(r'href="([^"]+\.pdf)"')


def documents(latex_dir: Path) -> list[str]:
    """Names of the LaTeX documents Sphinx wrote (``karlskrona-2022``)."""
    return sorted(p.stem for p in latex_dir.glob('*.tex') if _NAME.fullmatch(p.stem))


def linked_pdfs(html_dir: Path) -> dict[str, list[str]]:
    """PDF file name -> the pages that link it under ``pdf/``."""
    pdf_dir = (html_dir / PDF_DIR).resolve()
    found: dict[str, list[str]] = {}
    for page in sorted(html_dir.rglob('*.html')):
        for href in _HREF.findall(page.read_text(encoding='utf-8')):
            url = urlparse(html.unescape(href))
            if url.scheme or url.netloc:
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if target.parent == pdf_dir:
                found.setdefault(target.name, []).append(page.relative_to(html_dir).as_posix())
    return found


def copy_pdfs(latex_dir: Path, html_dir: Path, names: Iterable[str]) -> list[str]:
    """Copy ``<name>.pdf`` for each name that has one; return the names copied."""
    out = html_dir / PDF_DIR
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in names:
        pdf = latex_dir / f'{name}.pdf'
        if pdf.is_file():
            shutil.copyfile(pdf, out / pdf.name)
            copied.append(name)
    return copied


def readable(html_dir: Path) -> None:
    """Every file of the site readable by all: a web server often runs as
    another user (some build steps write files only their owner may read)."""
    for path in html_dir.rglob('*'):
        if path.is_file() and not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o444)


def site(latex_dir: Path, html_dir: Path) -> int:
    """Copy every document's PDF; fail if a linked PDF is missing."""
    copied = copy_pdfs(latex_dir, html_dir, documents(latex_dir))
    readable(html_dir)
    missing = {
        name: pages for name, pages in linked_pdfs(html_dir).items()
        if not (html_dir / PDF_DIR / name).is_file()
    }
    for name, pages in sorted(missing.items()):
        print(f'missing PDF {PDF_DIR}/{name}, linked from {pages[0]}'
              + (f' and {len(pages) - 1} more pages' if len(pages) > 1 else '')
              + f' (not in {latex_dir}: run make latexpdf)', file=sys.stderr)
    print(f'{len(copied)} PDFs in {html_dir / PDF_DIR}')
    return 1 if missing else 0


def changed_reports(base: str, reports_dir: str = 'reports', cwd: Path | None = None) -> list[str]:
    """Folders under *reports_dir* with a file changed since the merge base with *base*."""
    out = subprocess.run(
        ['git', 'diff', '--name-only', '-z', f'{base}...HEAD', '--', f'{reports_dir}/'],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout
    folders = set()
    for path in out.split('\0'):
        parts = path.split('/')
        if len(parts) >= 3 and parts[0] == reports_dir:
            folders.add(parts[1])
    return sorted(folders)


def _shown(name: str) -> str:
    """A repository name as Markdown: code if it is a slug, else not at all."""
    return f'`{name}`' if _NAME.fullmatch(name) else '(en mapp vars namn inte är en slug)'


def preview(latex_dir: Path, html_dir: Path, base: str, cwd: Path | None = None,
            summary: Path | None = None) -> int:
    """Build and copy the PDFs of the reports changed since *base*; print
    Markdown saying which, and write it to *summary* too (for the job summary).

    Fails when a changed report's PDF does not build (a reviewer would miss it).
    """
    root = cwd or Path.cwd()
    have = set(documents(latex_dir))
    lines = ['### Förhandsvisning', '']
    failed = False
    folders = changed_reports(base, cwd=cwd)
    if not folders:
        lines.append('Inga rapporter ändrade.')
    for folder in folders:
        if not (root / 'reports' / folder).is_dir():
            lines.append(f'- {_shown(folder)}: borttagen')
        elif folder not in have:
            lines.append(f'- {_shown(folder)}: ingen PDF (mappen har ingen utvärdering)')
        elif subprocess.run(['make', '-C', str(latex_dir), f'{folder}.pdf'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            check=False).returncode != 0:
            failed = True
            lines.append(f'- {_shown(folder)}: **PDF:en kunde inte byggas** '
                         f'(se `{latex_dir}/{folder}.log`)')
        else:
            copy_pdfs(latex_dir, html_dir, [folder])
            lines.append(f'- {_shown(folder)}: webbplatsen och `{PDF_DIR}/{folder}.pdf`')
    text = '\n'.join(lines) + '\n'
    print(text, end='')
    if summary is not None:
        summary.write_text(text, encoding='utf-8')
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('command', choices=['site', 'preview'])
    parser.add_argument('--latex', type=Path, required=True, help='the LaTeX build folder')
    parser.add_argument('--html', type=Path, required=True, help='the HTML build folder')
    parser.add_argument('--base', help='preview: git revision the pull request starts from')
    parser.add_argument('--summary', type=Path, help='preview: also write the Markdown here')
    args = parser.parse_args(argv)
    if args.command == 'site':
        return site(args.latex, args.html)
    if not args.base or args.base.startswith('-'):
        parser.error('preview needs --base <git revision>')
    try:
        return preview(args.latex, args.html, args.base, summary=args.summary)
    except subprocess.CalledProcessError as exc:
        print(f'git cannot compare with {args.base!r}: {exc.stderr.strip()}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())

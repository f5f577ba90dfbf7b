"""Benchmark: build times for a site of many evaluations.

Not a test (nothing here is asserted on time); run it to measure:

    .venv/bin/python tests/benchmark.py --evaluations 40

It copies the project into a temporary folder, adds N evaluations made from
Karlskrona 2022 (other registered municipalities, points varied with a fixed
seed), and times: a clean serial build, a clean parallel build (-j 2), a
rebuild with nothing changed, and a rebuild after one score changed.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / '_ext'))

from kompass.register import BUNDLED, load_register  # noqa: E402

SITE = ('conf.py', 'index.md', 'kriterier.md', 'goda-exempel.md', 'kommuner.md',
        'criteria', '_ext', '_static', 'reports')


def make_project(root: Path, count: int) -> Path:
    root.mkdir(parents=True)
    for name in SITE:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(source, root / name)
    template = PROJECT / 'reports/karlskrona-2022'
    rng = random.Random(2022)
    names = [m.name for m in load_register(BUNDLED).by_key.values() if m.name != 'Karlskrona']
    for name in names[:count]:
        slug = re.sub(r'[^a-z0-9]+', '-', name.lower().translate(
            str.maketrans('åäöé', 'aaoe'))).strip('-') + '-2022'
        folder = root / 'reports' / slug
        shutil.copytree(template, folder)
        (folder / 'kallor.bib').unlink()  # one set of citation keys is enough
        for page in folder.glob('*.md'):
            text = page.read_text(encoding='utf-8')
            text = re.sub(r' \{cite:p\}`[^`]+`', '', text)
            text = text.split('## Källor')[0]
            text = text.replace(':municipality: Karlskrona', f':municipality: {name}')
            text = re.sub(r':stated: \d+\n', '', text)
            text = re.sub(r':points: (\d+)',
                          lambda m: f':points: {max(0, int(m[1]) - rng.randint(0, 3))}', text)
            page.write_text(text, encoding='utf-8')
    return root


def build(src: Path, out: Path, *extra: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-b', 'html', str(src), str(out), *extra],
        capture_output=True, text=True, check=True,
    )
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--evaluations', type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='kompass-bench-') as tmp:
        src = make_project(Path(tmp) / 'src', args.evaluations)
        docs = len(list(src.rglob('*.md')))
        rows = []
        seconds, _ = build(src, Path(tmp) / 'serial', '-E', '-q')
        rows.append(('clean build, serial', seconds, ''))
        seconds, _ = build(src, Path(tmp) / 'parallel', '-E', '-q', '-j', '2')
        rows.append(('clean build, -j 2', seconds, ''))
        seconds, log = build(src, Path(tmp) / 'serial')
        rows.append(('rebuild, nothing changed', seconds,
                     re.search(r'updating environment: .*', log)[0]))
        page = next((src / 'reports').glob('*/omrade-3.md'))
        page.write_text(re.sub(r':points: (\d+)', ':points: 1', page.read_text(), count=1))
        seconds, log = build(src, Path(tmp) / 'serial')
        written = re.findall(r'writing output\.\.\. \[\s*\d+%\] (\S+)', log)
        rows.append(('rebuild, one score changed', seconds, f'{len(set(written))} pages written'))
        print(f'{args.evaluations + 1} evaluations, {docs} documents')
        for label, secs, note in rows:
            print(f'{label:28} {secs:6.1f} s  {note}')


if __name__ == '__main__':
    main()

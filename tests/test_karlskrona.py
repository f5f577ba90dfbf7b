"""The real report: Karlskrona 2022 builds cleanly and shows the seed's scores."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import PROJECT, warnings_of

AREAS = {'1': 66, '2': 76, '3': 64, '4': 59, '5': 65, '6': 66, '7': 54, '8': 47}
TOTAL = 497


def test_karlskrona_builds_without_warnings_and_shows_the_seed_scores(
    make_app, tmp_path
) -> None:
    # Build outside the working tree, so the test never touches _build/.
    app = make_app('html', srcdir=PROJECT, builddir=tmp_path, freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == []
    out = Path(app.outdir) / 'reports/karlskrona-2022'
    index = (out / 'index.html').read_text(encoding='utf8')
    assert f'{TOTAL} / 800' in index
    summary = index.split('kompass-total', 1)[1]
    for area, score in AREAS.items():
        row = re.search(
            rf'<p>{area}\. [^<]+</p></td>\s*<td><p>(\d+)</p></td>', summary
        )
        assert row, f'area {area} missing from the summary table'
        assert int(row.group(1)) == score
        box = (out / f'omrade-{area}.html').read_text(encoding='utf8')
        assert f'<strong>{score}</strong>' in box
    assert re.search(r'<strong>Totalt</strong>.*?<strong>497</strong>', summary, re.S)
    front = (Path(app.outdir) / 'index.html').read_text(encoding='utf8')
    assert 'reports/karlskrona-2022/index.html' in front
    assert 'kriterier.html' in front
    catalogue = (Path(app.outdir) / 'kriterier.html').read_text(encoding='utf8')
    assert catalogue.count('id="kriterium-kommunkompassen-2020-') == 36

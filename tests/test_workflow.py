"""The evaluators' Git workflow: score export, score diff, new evaluations,
live preview and the CI workflow file."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import PROJECT, next_app, warnings_of
from kompass.diff import compare

SCHEMA = json.loads((PROJECT / '_ext/kompass/scores.schema.json').read_text(encoding='utf8'))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(value: object) -> list[str]:
    """The export's schema violations, as ``path: message`` lines."""
    return sorted(f'{error.json_path}: {error.message}' for error in VALIDATOR.iter_errors(value))


def test_the_schema_is_valid_and_its_validation_catches_mistakes() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    bad = {'tool': {'name': 'kompass'}, 'evaluations': [{'slug': 'X Y'}], 'extra': 1}
    errors = _errors(bad)
    assert "$.tool: 'version' is a required property" in errors
    assert "$: Additional properties are not allowed ('extra' was unexpected)" in errors
    assert "$.evaluations[0].slug: 'X Y' does not match '^[a-z0-9-]+$'" in errors


def _export(make_app, rootdir: Path, outdir: Path):  # type: ignore[no-untyped-def]
    app = make_app('scores', srcdir=rootdir / 'test-examples', builddir=outdir,
                   freshenv=True)
    app.build(force_all=True)
    return app


def test_score_export_is_complete_valid_and_reproducible(make_app, rootdir, tmp_path) -> None:
    first = _export(make_app, rootdir, tmp_path / 'one')
    out = Path(first.outdir)
    data = json.loads((out / 'scores.json').read_text(encoding='utf8'))
    assert _errors(data) == []
    # A mistake deep in a valid export (through $defs) is caught too.
    broken = deepcopy(data)
    at = [e['slug'] for e in data['evaluations']].index('karlskrona-2024')
    broken['evaluations'][at]['criterion_points']['1.1']['points'] = -1
    assert _errors(broken) == [
        f"$.evaluations[{at}].criterion_points['1.1'].points: -1 is less than the minimum of 0"]
    assert data['tool']['name'] == 'kompass' and data['tool']['version']
    by_slug = {e['slug']: e for e in data['evaluations']}
    report = by_slug['karlskrona-2024']
    assert report['kind'] == 'report' and report['municipality_code'] == '1080'
    assert report['criterion_points']['1.1'] == {
        'points': 10, 'max': 20, 'file': 'reports/karlskrona-2024/omrade-1.md', 'line': 9}
    assert {a: report['areas'][a]['points'] for a in '12'} == {'1': 50, '2': 50}
    assert report['total'] == 100
    # In the order they stand in the report's files.
    assert [(e['municipality'], e['criterion']) for e in report['good_examples']] == [
        ('Växjö', '2.1'), ('Burlöv', '1.1'), ('Nacka', '1.2')]
    hoganas = by_slug['hoganas-2021']
    assert (hoganas['kind'], hoganas['municipality'], hoganas['total']) == (
        'data', 'Höganäs', 150)
    assert (out / 'scores.schema.json').is_file()
    csv_lines = (out / 'scores.csv').read_text(encoding='utf8').splitlines()
    assert csv_lines[0] == ('slug,municipality,municipality_code,year,date,criteria,kind,'
                            'status,1.1,1.2,2.1,2.2,1,2,total')
    assert 'hoganas-2021,Höganäs,1284,2021,,mini,data,final,,,,,,,150' in csv_lines
    second = next_app(make_app, first, 'scores', srcdir=first.srcdir,
                      builddir=tmp_path / 'two', freshenv=True)
    second.build(force_all=True)
    for name in ('scores.json', 'scores.csv'):
        assert (out / name).read_bytes() == (Path(second.outdir) / name).read_bytes()


def _entry(slug: str, points: dict[str, int], examples: list[tuple[str, str]] = ()) -> dict:  # type: ignore[assignment]
    return {
        'slug': slug, 'municipality': 'Ort', 'year': 2024,
        'criterion_points': {
            c: {'points': p, 'file': 'r/o.md', 'line': 3} for c, p in points.items()
        },
        'areas': {'1': {'points': sum(points.values())}},
        'total': sum(points.values()),
        'good_examples': [
            {'municipality': m, 'criterion': c, 'sentence': 's'} for m, c in examples
        ],
    }


def test_diff_reports_points_totals_evaluations_examples_and_warnings() -> None:
    base = {'evaluations': [_entry('ort-2024', {'1.1': 10, '1.2': 5}, [('Lund', '1.1')]),
                            _entry('gone-2020', {'1.1': 1})]}
    head = {'evaluations': [_entry('ort-2024', {'1.1': 12, '1.2': 5}, [('Nacka', '1.2')]),
                            _entry('new-2025', {'1.1': 3})]}
    text = compare(base, head, ['old warning'], ['old warning', 'new warning'], 'main')
    assert '| 1\\.1 | 10 | 12 | `r/o.md:3` |' in text
    assert '1\\.2 |' not in text  # unchanged criteria are not listed
    assert 'område 1: 15 → 17 (+2)' in text
    assert '**Totalt: 15 → 17 (+2)**' in text
    assert '### Nya utvärderingar' in text and '`new-2025`' in text
    assert '### Borttagna utvärderingar' in text and '`gone-2020`' in text
    assert '+ gott exempel (nytt): **Nacka** för 1\\.2' in text
    assert '− gott exempel (borttaget): **Lund** för 1\\.1' in text
    assert 'new warning' in text and text.count('old warning') == 0
    assert 'Inga poäng' in compare(base, base, [], [], 'main')


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / 'project'
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(
        '_build', '.venv', '.git', '.pytest_cache', '__pycache__'))
    env = {**os.environ, 'GIT_AUTHOR_NAME': 't', 'GIT_AUTHOR_EMAIL': 't@t',
           'GIT_COMMITTER_NAME': 't', 'GIT_COMMITTER_EMAIL': 't@t'}
    for args in (['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', 'base']):
        subprocess.run(['git', *args], cwd=copy, check=True, env=env)
    return copy


def _run_module(copy: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, 'PYTHONPATH': str(copy / '_ext')}
    return subprocess.run([sys.executable, '-m', module, *args], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=300)


def test_make_diff_builds_base_itself(tmp_path) -> None:
    copy = _project_copy(tmp_path)
    # One score up by one, whatever the report says today, and a new warning.
    area = next((copy / 'reports').glob('*/omrade-1.md'))
    text = area.read_text(encoding='utf8')
    found = re.search(r'\{score\} (1\.\d)\n:points: (\d+)', text)
    assert found, 'no score in omrade-1.md'
    criterion, before = found.group(1), int(found.group(2))
    text = text.replace(found.group(0), f'{{score}} {criterion}\n:points: {before + 1}', 1)
    area.write_text(text + '\n```{score} 9.9\n:points: 1\n```\n', encoding='utf8')
    done = _run_module(copy, 'kompass.diff')  # BASE: the merge base with main
    assert done.returncode == 0, done.stderr
    assert f'| {criterion.replace(".", chr(92) + ".")} | {before} | {before + 1} |' in done.stdout
    total = re.search(r'\*\*Totalt: (\d+) → (\d+) \(\+1\)\*\*', done.stdout)
    assert total and int(total.group(2)) == int(total.group(1)) + 1
    assert "unknown criterion '9.9'" in done.stdout  # the new warning
    worktrees = subprocess.run(['git', 'worktree', 'list'], cwd=copy, capture_output=True,
                               text=True, check=True).stdout
    assert len(worktrees.splitlines()) == 1  # the temporary worktree is gone


def test_make_new_creates_a_draft_that_builds_cleanly(tmp_path, make_app) -> None:
    copy = _project_copy(tmp_path)
    done = _run_module(copy, 'kompass.new', '--municipality', 'Lunds kommun', '--year', '2026')
    assert done.returncode == 0, done.stderr
    folder = copy / 'reports/lund-2026'
    assert sorted(p.name for p in folder.iterdir()) == [
        'index.md', 'kallor.bib', *(f'omrade-{n}.md' for n in range(1, 9))]
    index = (folder / 'index.md').read_text(encoding='utf8')
    assert ':municipality: Lund' in index and ':status: draft' in index
    # The official name wherever a name stands with "kommun".
    assert index.startswith('# Kommunkompassen – Analys av Lunds kommun\n')
    assert '## 2. Lunds kommun i förhållande till Kommunkompassen' in index
    assert 'Nedan visas Lunds kommuns totalpoäng' in index
    assert 'Lund kommun' not in index and 'Lunds resultat' not in index
    # "Källor", ready to fill: the report's own list, and an empty .bib file.
    assert index.rstrip().endswith('## Källor\n\nKommunens styrdokument som rapporten '
                                   'hänvisar till.\n\n% Lägg in dokumenten i kallor.bib (se '
                                   'anvisningen där) och hänvisa till dem i texten\n% med '
                                   '{cite:p}`nyckel`; listan nedan visar de dokument rapporten '
                                   'hänvisar till.\n\n```{bibliography}\n```')
    area7 = (folder / 'omrade-7.md').read_text(encoding='utf8')
    assert '```{area} 7' in area7 and '% ```{score} 7.4' in area7
    assert '## Lika rättigheter och möjligheter på arbetsplatsen' in area7
    before = {p: p.read_bytes() for p in folder.iterdir()}
    again = _run_module(copy, 'kompass.new', '--municipality', 'Lund', '--year', '2026')
    assert again.returncode == 1 and 'exists already' in again.stderr
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    typo = _run_module(copy, 'kompass.new', '--municipality', 'Lundd', '--year', '2026')
    assert typo.returncode == 1 and 'did you mean Lund?' in typo.stderr
    app = make_app('html', srcdir=copy, builddir=tmp_path / 'build', freshenv=True)
    app.build(force_all=True)
    assert warnings_of(app) == []
    # Filled in as kallor.bib says, beside Karlskrona's: the two reports
    # citing their sources, in the project's own configuration.
    bib = folder / 'kallor.bib'
    example = re.search(r'^%   (misc\{.*?^%   \})', bib.read_text(encoding='utf8'), re.M | re.S)
    assert example is not None
    entry = '@' + re.sub(r'^%   ', '', example[1], flags=re.M)
    bib.write_text(bib.read_text(encoding='utf8') + '\n' + entry + '\n', encoding='utf8')
    (folder / 'index.md').write_text(index.replace(
        '### Utvärderingen\n', '### Utvärderingen\n\nSe {cite:p}`lund-2026-styrmodell`.\n'),
        encoding='utf8')
    filled = next_app(make_app, app, 'html', srcdir=copy, builddir=tmp_path / 'filled',
                      freshenv=True)
    filled.build(force_all=True)
    assert warnings_of(filled) == []
    page = (Path(filled.outdir) / 'reports/lund-2026/index.html').read_text(encoding='utf8')
    assert re.search(r'\[<a [^>]*>1</a>\]', page)  # the citation
    assert 'Lunds kommun. Styrmodell. 2024.' in page  # and its entry, numbered 1
    karlskrona = (Path(filled.outdir) / 'reports/karlskrona-2022/index.html').read_text(
        encoding='utf8')
    assert 'Styrmodell. 2024' not in karlskrona and 'Lunds kommun.' not in karlskrona


@pytest.mark.parametrize(('municipality', 'slug', 'title', 'genitive'), [
    ('Gotland', 'gotland', 'Analys av Region Gotland', 'Region Gotlands totalpoäng'),
    ('Håbo', 'haabo', 'Analys av Håbo kommun', 'Håbo kommuns totalpoäng'),
    ('habo', 'habo', 'Analys av Habo kommun', 'Habo kommuns totalpoäng'),
])
def test_make_new_names_folders_and_municipalities_as_the_register(
    tmp_path, municipality: str, slug: str, title: str, genitive: str,
) -> None:
    from kompass.new import main

    shutil.copytree(PROJECT / 'criteria', tmp_path / 'criteria')
    assert main(['--municipality', municipality, '--year', '2026',
                 '--project', str(tmp_path)]) == 0
    index = (tmp_path / f'reports/{slug}-2026/index.md').read_text(encoding='utf8')
    assert f'# Kommunkompassen – {title}\n' in index and genitive in index


@pytest.mark.parametrize(('municipality', 'year', 'message'), [
    ('Lund"; touch pwned; "', '2026',
     '\'Lund"; touch pwned; "\' is not one of Sweden\'s 290 municipalities'),
    ('Lund;', '2026', "'Lund;' is not one of Sweden's 290 municipalities; did you mean Lund?"),
    ('$(touch pwned)', '2026', "'$(touch pwned)' is not one of Sweden's 290 municipalities"),
    ('Lund\n# Rubrik', '2026', "'Lund\\n# Rubrik' is not one of Sweden's 290 municipalities"),
    ('Lund', '2026; touch pwned', "YEAR '2026; touch pwned' is not a four-digit year"),
    ('Lund', '26', "YEAR '26' is not a four-digit year"),
    ('Lund', '２０２６', "YEAR '２０２６' is not a four-digit year"),
])
def test_make_new_refuses_values_outside_the_register(
    tmp_path, capsys, municipality: str, year: str, message: str,
) -> None:
    from kompass.new import main

    shutil.copytree(PROJECT / 'criteria', tmp_path / 'criteria')
    assert main(['--municipality', municipality, '--year', year,
                 '--project', str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [f'make new: {message}']
    assert not (tmp_path / 'reports').exists()  # nothing written
    assert not list(tmp_path.rglob('pwned'))


def _workflow() -> dict[str, Any]:
    return yaml.safe_load((PROJECT / '.github/workflows/kompass.yml').read_text(encoding='utf8'))


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get('steps', []))


def _make_targets() -> set[str]:
    makefile = (PROJECT / 'Makefile').read_text(encoding='utf8')
    targets = set(re.findall(r'^([\w-]+)(?:\s+[\w-]+)*\s*:(?!=)', makefile, re.M))
    targets |= {t for line in re.findall(r'^((?:[\w-]+ )+[\w-]+):', makefile, re.M)
                for t in line.split()}
    return targets


def test_workflow_is_valid_and_names_existing_targets() -> None:
    workflow = _workflow()
    assert set(workflow['jobs']) == {'pull-request', 'site', 'deploy'}
    runs = [step['run'] for job in workflow['jobs'].values() for step in _steps(job)
            if 'run' in step]
    used: set[str] = set()
    for run in runs:
        for after in re.findall(r'\bmake ([^\n>|&;]+)', run):
            for word in after.split():
                if not re.fullmatch(r'[a-z][\w-]*', word):
                    break  # a VAR=value, a redirection: the targets ended
                used.add(word)
    assert used >= {'check', 'diff', 'preview', 'site', 'tex-deps'}
    assert used <= _make_targets(), used - _make_targets()


def test_workflow_has_least_privilege_and_keeps_pull_request_values_out_of_run_lines() -> None:
    workflow = _workflow()
    # YAML 1.1 reads a bare "on:" as true.
    events: dict[str, Any] = workflow.get('on') or workflow[True]  # type: ignore[index]
    assert set(events) == {'pull_request', 'push'}  # never pull_request_target
    assert events['push'] == {'branches': ['main']}
    assert workflow['permissions'] == {'contents': 'read'}
    jobs = workflow['jobs']
    # Only the deploy job may write, to Pages, and it runs none of the repository's code.
    assert {name for name, job in jobs.items() if 'permissions' in job} == {'deploy'}
    deploy = jobs['deploy']
    assert deploy['permissions'] == {'pages': 'write', 'id-token': 'write'}
    assert [step.get('uses', '').split('@')[0] for step in _steps(deploy)] == [
        'actions/deploy-pages']
    assert deploy['needs'] == 'site' and "github.ref == 'refs/heads/main'" in deploy['if']
    assert "github.event_name == 'push'" in deploy['if']
    for name, job in jobs.items():
        for step in _steps(job):
            # No expression at all in a run: line (values come through env:).
            assert '${{' not in step.get('run', ''), (name, step.get('name'))
            if 'uses' in step:
                assert re.fullmatch(r'actions/[\w-]+@v\d+', step['uses']), step['uses']
            if step.get('uses', '').startswith('actions/checkout@'):
                assert step['with']['persist-credentials'] is False
        assert 'secrets.' not in yaml.safe_dump(job)


def test_workflow_publishes_main_and_previews_pull_requests() -> None:
    jobs = _workflow()['jobs']
    site = jobs['site']
    assert site['if'] == "github.event_name == 'push'"
    runs = [step.get('run', '') for step in _steps(site)]
    assert 'make site' in runs  # html, every PDF and the score data in _build/html
    upload = next(s for s in _steps(site) if s.get('uses', '').startswith(
        'actions/upload-pages-artifact@'))
    assert upload['with']['path'] == '_build/html'

    pr = jobs['pull-request']
    assert pr['if'] == "github.event_name == 'pull_request'"
    assert pr['env']['BASE'] == '${{ github.event.pull_request.base.sha }}'
    by_name = {step.get('name'): step for step in _steps(pr)}
    assert by_name['Strict build']['run'] == 'make check'
    assert 'make diff BASE="$BASE"' in by_name['Score changes']['run']
    assert 'make preview BASE="$BASE"' in by_name['Site and the changed reports\' PDFs']['run']
    upload = by_name['Upload the preview']
    assert upload['uses'].startswith('actions/upload-artifact@') and upload['id'] == 'preview'
    assert upload['with']['path'] == '_build/html'
    summary = by_name['Job summary']
    assert summary['env'] == {'PREVIEW_URL': '${{ steps.preview.outputs.artifact-url }}'}
    for text in ('score-diff.md', '_build/preview.md', '$PREVIEW_URL',
                 '>> "$GITHUB_STEP_SUMMARY"'):
        assert text in summary['run']
    # The diff and the preview reach the summary even when the strict build fails.
    for name in ('Score changes', 'Site and the changed reports\' PDFs', 'Upload the preview',
                 'Job summary'):
        assert by_name[name]['if'] == '${{ !cancelled() }}'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
        return response.read().decode('utf8')


def test_live_preview_rebuilds_on_edit(tmp_path, rootdir) -> None:
    autobuild = Path(sys.executable).with_name('sphinx-autobuild')
    if not autobuild.exists():
        pytest.skip('sphinx-autobuild is not installed in this environment')
    src = tmp_path / 'src'
    shutil.copytree(rootdir / 'test-basic', src)
    port = _free_port()
    proc = subprocess.Popen(
        [str(autobuild), str(src), str(tmp_path / 'out'), '--host', '127.0.0.1',
         '--port', str(port), '-q'],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, 'PYTHONPATH': str(PROJECT / '_ext')},
    )
    url = f'http://127.0.0.1:{port}/reports/ort-2024/index.html'
    try:
        page = ''
        for _ in range(120):
            try:
                page = _get(url)
                break
            except OSError:
                time.sleep(0.5)
        assert '116 / 200' in page
        assert 'websocket' in page.lower()  # the reload script is injected
        area2 = src / 'reports/ort-2024/omrade-2.md'
        area2.write_text(area2.read_text(encoding='utf8').replace(':points: 25', ':points: 5'),
                         encoding='utf8')
        for _ in range(120):
            time.sleep(0.5)
            if '96 / 200' in _get(url):
                break
        assert '96 / 200' in _get(url)
    finally:
        proc.terminate()
        proc.wait(timeout=20)

"""Every check of FORMAT.md: the exact warning, file, line and subtype."""

from __future__ import annotations

import pytest

from conftest import warnings_of

PROBLEMS = [
    '{root}/arkiv/ort-2025/index.md:3: WARNING: an evaluation belongs in a folder of its '
    'own in reports/ (reports/<slug>/index.md); this one is not counted [kompass.folder]',
    "{root}/kataloger.md:3: WARNING: criteria-catalogue: unknown criteria catalogue "
    "'okand'; known catalogues: mini [kompass.catalogue]",
    "{root}/kataloger.md:6: WARNING: totals chart: unknown criteria catalogue 'saknas'; "
    'known catalogues: mini [kompass.catalogue]',
    '{root}/loose.md:3: WARNING: score outside an evaluation: no {evaluation} '
    "directive in this document's folder or the folders above it [kompass.orphan]",
    '{root}/loose.md:7: WARNING: area box outside an evaluation: no {evaluation} '
    "directive in this document's folder or the folders above it [kompass.orphan]",
    '{root}/loose.md:10: WARNING: score overview outside an evaluation: no '
    "{evaluation} directive in this document's folder or the folders above it "
    '[kompass.orphan]',
    "{root}/reports/bad-2024/index.md:3: WARNING: evaluation :date: '2024-13-01' "
    'is not an ISO date (YYYY-MM-DD) [kompass.option]',
    "{root}/reports/bad-2024/index.md:3: WARNING: evaluation :status: 'klar' is "
    "not one of: final, draft (treated as 'final') [kompass.option]",
    "{root}/reports/bad-2024/index.md:3: WARNING: evaluation :year: 'tjugo' is not "
    'a four-digit year [kompass.option]',
    '{root}/reports/bad-2024/index.md:3: WARNING: evaluation is missing the '
    'required option :municipality: [kompass.option]',
    "{root}/reports/bad-2024/index.md:3: WARNING: final evaluation 'bad-2024' has "
    'no valid score for 3 of 4 criteria: 1.1, 2.1, 2.2 (use ":status: draft" '
    'while work is in progress) [kompass.unscored]',
    "{root}/reports/bad-2024/index.md:3: WARNING: previous evaluation "
    "'nowhere-2020' is not known; expected the slug of another report folder or "
    'of a row in the score data [kompass.previous]',
    '{root}/reports/bad-2024/index.md:11: WARNING: area 1 states 40 points, but '
    'its scores add up to 30 [kompass.stated]',
    "{root}/reports/bad-2024/index.md:15: WARNING: unknown area '7': catalogue "
    "'mini' has areas 1, 2 [kompass.unknown]",
    "{root}/reports/bad-2024/index.md:18: WARNING: area 1 has a second box in "
    "evaluation 'bad-2024'; first at reports/bad-2024/index.md:11 "
    '[kompass.duplicate]',
    '{root}/reports/bad-2024/index.md:21: WARNING: score 1.1 has no :points: (a '
    "whole number from 0 to the criterion's maximum) [kompass.score]",
    "{root}/reports/bad-2024/index.md:24: WARNING: score 1.2 :points: 'elva' is "
    'not a whole number [kompass.score]',
    '{root}/reports/bad-2024/index.md:28: WARNING: points 61 for criterion 2.1 are '
    "outside 0..60 (its maximum in 'mini') [kompass.score]",
    "{root}/reports/bad-2024/index.md:32: WARNING: unknown criterion '9.9': "
    "catalogue 'mini' has 1.1 to 2.2 [kompass.unknown]",
    '{root}/reports/bad-2024/index.md:40: WARNING: criterion 1.2 is scored twice '
    "in evaluation 'bad-2024'; first at reports/bad-2024/index.md:36 (this score "
    'is ignored) [kompass.duplicate]',
    '{root}/reports/bad-2024/index.md:44: WARNING: points -1 for criterion 2.2 are '
    "outside 0..40 (its maximum in 'mini') [kompass.score]",
    '{root}/reports/bad-2024/index.md:48: WARNING: area box without an area id (e.g. '
    '"{area} 1") [kompass.option]',
    '{root}/reports/bad-2024/index.md:51: WARNING: score without a criterion id (e.g. '
    '"{score} 1.1") [kompass.score]',
    "{root}/reports/bad-2024/second.md:3: WARNING: a second evaluation in folder "
    "'reports/bad-2024'; the folder already has the evaluation at "
    'reports/bad-2024/index.md:3 (one folder holds one evaluation) '
    '[kompass.evaluation]',
    '{root}/reports/bare-2024/index.md:3: WARNING: evaluation is missing the '
    'required option :criteria: [kompass.option]',
    "{root}/reports/bare-2024/index.md:9: WARNING: unknown chart :kind: 'pie'; "
    'expected one of: areas, profile, trend, totals [kompass.option]',
    "{root}/reports/nocat-2024/index.md:3: WARNING: unknown criteria catalogue "
    "'okand'; known catalogues: mini [kompass.catalogue]",
]

CATALOGUE = [
    '{root}/criteria/alias.yaml:5: WARNING: catalogue is not valid YAML: aliases (*name) '
    'are not allowed; write each area and criterion out [kompass.catalogue]',
    "{root}/criteria/broken.yaml:6: WARNING: catalogue is not valid YAML: "
    "expected ',' or ']', but got ':' [kompass.catalogue]",
    '{root}/criteria/odd.yaml:4: WARNING: area 1 max 200000 is more than 100000 '
    '[kompass.catalogue]',
    "{root}/criteria/odd.yaml:8: WARNING: a criterion of area 1 id '1.¹' must be ASCII "
    'letters and digits, parts joined by ".", "-" or "_" (e.g. "1.1") [kompass.catalogue]',
    "{root}/criteria/odd.yaml:9: WARNING: a criterion of area 1 id '1/../x' must be ASCII "
    'letters and digits, parts joined by ".", "-" or "_" (e.g. "1.1") [kompass.catalogue]',
    "{root}/criteria/wrong.yaml:1: WARNING: catalogue id 'fel' differs from its "
    "file name 'wrong.yaml'; evaluations find it as 'wrong' [kompass.catalogue]",
    '{root}/criteria/wrong.yaml:4: WARNING: area 1 has max 100, but its criteria '
    'add up to 90 [kompass.catalogue]',
    '{root}/criteria/wrong.yaml:10: WARNING: area 2 has no max (a positive whole '
    'number) [kompass.catalogue]',
    "{root}/criteria/wrong.yaml:10: WARNING: unknown key 'maks' in area 2; "
    'expected one of: aliases, criteria, id, max, short, title [kompass.catalogue]',
    "{root}/criteria/wrong.yaml:14: WARNING: criterion id '1.1' does not start "
    'with its area id "2." [kompass.catalogue]',
    "{root}/criteria/wrong.yaml:14: WARNING: id '1.1' is used twice in the "
    'catalogue [kompass.catalogue]',
    '{root}/criteria/wrong.yaml:15: WARNING: criterion 2.2 has no max (a positive '
    'whole number) [kompass.catalogue]',
    "{root}/reports/a-2024/index.md:3: WARNING: criteria catalogue 'broken' could "
    'not be read (see the warning for broken.yaml); scores are not checked '
    '[kompass.catalogue]',
]


@pytest.mark.sphinx('html', testroot='problems', freshenv=True)
def test_every_report_check_warns_exactly(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == PROBLEMS


@pytest.mark.sphinx('html', testroot='problems', freshenv=True)
def test_warnings_are_told_again_on_an_incremental_build(app) -> None:
    """A problem stays visible until it is fixed, not only on the first build."""
    app.build()
    app.warning.seek(0)
    app.warning.truncate()
    app.build()
    assert warnings_of(app) == PROBLEMS


@pytest.mark.sphinx(
    'html', testroot='problems', freshenv=True,
    confoverrides={'suppress_warnings': ['kompass.option', 'kompass.orphan']},
)
def test_subtypes_can_be_suppressed(app) -> None:
    app.build(force_all=True)
    expected = [w for w in PROBLEMS if not w.endswith(('[kompass.option]', '[kompass.orphan]'))]
    assert warnings_of(app) == expected


@pytest.mark.sphinx('html', testroot='catalogue', freshenv=True)
def test_broken_catalogues_warn_with_file_and_line(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == CATALOGUE
    # The report using the inconsistent catalogue still builds, with totals.
    html = (app.outdir / 'reports/b-2024/index.html').read_text(encoding='utf8')
    assert '<strong>12</strong>' in html  # area 1: 5 + 7


_HEAD = 'id: c\ntitle: T\nareas:\n'
_ONE = "    criteria:\n      - {id: '1.1', title: B, max: 10}\n"


@pytest.mark.parametrize(('text', 'expected'), [
    (_HEAD + "  - id: '1'\n    title: A\n    max: 10\n    criteria:\n      - just text\n",
     'c.yaml:4: WARNING: a criterion of area 1 is not a mapping [kompass.catalogue]'),
    (_HEAD + '  - just text\n',
     'c.yaml:1: WARNING: an area is not a mapping [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    title: A\n    max: 10\n",
     'c.yaml:4: WARNING: area 1 has no criteria (a list is expected) [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    title: A\n    max: 10\n    short: [x]\n" + _ONE,
     'c.yaml:4: WARNING: area 1 short must be a text [kompass.catalogue]'),
    ('- a\n- b\n',
     'c.yaml:1: WARNING: a catalogue must be a mapping with id, title and areas '
     '[kompass.catalogue]'),
    ('id: c\ntitle: T\n',
     'c.yaml:1: WARNING: the catalogue has no areas (a list is expected) [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    title: 5\n    max: 10\n" + _ONE,
     'c.yaml:4: WARNING: area 1 title 5 must be a quoted string, e.g. "5" [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    max: 10\n" + _ONE,
     'c.yaml:4: WARNING: area 1 has no title (a text is expected) [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    title: A\n    max: 10\n    aliases: A2\n" + _ONE,
     'c.yaml:4: WARNING: area 1 aliases must be a list of texts [kompass.catalogue]'),
    (_HEAD + "  - id: '1'\n    title: A\n    max: -5\n" + _ONE,
     'c.yaml:4: WARNING: area 1 max -5 is not a positive whole number [kompass.catalogue]'),
    (b'id: c\ntitle: \xe5\n',
     "c.yaml:1: WARNING: cannot read catalogue: 'utf-8' codec can't decode byte 0xe5 in "
     'position 13: invalid continuation byte [kompass.catalogue]'),
])
def test_each_catalogue_shape_check_warns_exactly(tmp_path, monkeypatch, text: str | bytes,
                                                  expected: str) -> None:
    """The shape checks of a catalogue, each alone: exact message and line."""
    from kompass.catalogue import load_catalogue

    monkeypatch.chdir(tmp_path)
    path = tmp_path / 'c.yaml'
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding='utf8')
    _, problems = load_catalogue(path)
    shown = [f'{p.location}: WARNING: {p.message} [kompass.{p.kind.value}]'.replace(
        f'{tmp_path}/', '') for p in problems]
    assert shown == [expected]


@pytest.mark.sphinx('html', testroot='problems', freshenv=True, warningiserror=True)
def test_strict_build_fails_on_kompass_warnings(app) -> None:
    """-W finishes the build (Sphinx >= 8.1), then reports failure."""
    app.build(force_all=True)
    assert app.statuscode == 1
    assert len(warnings_of(app)) == len(PROBLEMS)


def _expected_warnings() -> list[str]:
    """Every expected warning line written in the tests (string constants, and
    the text parts of f-strings, that hold ``WARNING:``)."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(__file__).parent.glob('test_*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf8'))):
            if isinstance(node, ast.JoinedStr):
                text = ''.join(
                    str(v.value) if isinstance(v, ast.Constant) else '{}' for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if 'WARNING: ' in text:
                found.append(text)
    return found


def _literal_parts(expr: object) -> list[str]:
    """The literal text of a message expression, in order; what is computed
    (names, calls, formatted values) is left out."""
    import ast

    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        return [v.value for v in expr.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    if isinstance(expr, ast.BinOp):
        right = _literal_parts(expr.right) if isinstance(expr.op, ast.Add) else []
        return _literal_parts(expr.left) + right
    return []


#: Calls whose message is not written there but passed on (file, message
#: expression), with where its text is written and scanned; any other call the
#: scan cannot read fails the test, so no message escapes it unnoticed.
PASSED_ON = {
    ('bibfiles.py', 'message'): "_warn(): its callers' messages",
    ('catalogue.py', 'message'): "Catalogue.warn(): its callers' messages",
    ('directives.py', 'message'): "problem(): its callers' messages",
    ('directives.py', "f'{what} :{option}: {exc}'"):
        "option checks: the reasons are BadValue(...) messages in values.py",
    ('logs.py', 'problem.message'): 'emit(): the Problem(...) messages',
    ('reportfiles.py', "f'{what} {entry.path!r} {entry.reason}; {left_out}'"):
        "the reasons are the constants of reportfiles.py, each tested",
    ('reportfiles.py', "f'has {problem.value}'"): 'the NameProblem values of reportfiles.py',
    ('sanitize.py', 'message'): "_warn(): its callers' messages",
    ('scoredata.py', 'message'): "ScoreData.warn(): its callers' messages",
    ('scoredata.py', "f'{column}: {exc}'"): 'a column value: BadValue(...) messages',
}


def _message_position(path_name: str, tree: object) -> dict[str, int]:
    """Where the message stands in each warning function of a module: the
    position of its ``message`` parameter (``self`` not counted), as written."""
    import ast

    positions = {'Problem': 1, 'BadValue': 0, 'Refused': 2,  # a report file's reason
                 'warning': 0}  # logger.warning(msg, ...)
    for node in ast.walk(tree):  # type: ignore[arg-type]
        if isinstance(node, ast.FunctionDef) and node.name in {'warn', '_warn', 'problem'}:
            names = [a.arg for a in node.args.args if a.arg != 'self']
            assert 'message' in names, f'{path_name}: {node.name}() has no message parameter'
            positions[node.name] = names.index('message')
    return positions


def _message_templates() -> list[tuple[str, int, list[str]]]:
    """Each warning message the extension can emit, as its literal fragments:
    the message argument of every ``Problem(...)``, ``BadValue(...)``,
    ``logger.warning(...)`` and module-level ``warn``/``_warn``/``problem``
    call in ``_ext/kompass``, found by that function's own signature."""
    import ast

    from conftest import PROJECT

    templates = []
    unreadable = []
    for path in sorted((PROJECT / '_ext/kompass').glob('*.py')):
        tree = ast.parse(path.read_text(encoding='utf8'))
        positions = _message_position(path.name, tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, 'attr', '')
            if name == 'warning' and not (isinstance(func, ast.Attribute)
                                          and getattr(func.value, 'id', '') == 'logger'):
                continue
            index = positions.get(name)
            if index is None:
                continue
            keyword = [k.value for k in node.keywords if k.arg == 'message']
            message = keyword[0] if keyword else (
                node.args[index] if len(node.args) > index else None)
            fragments = [f.strip() for f in _literal_parts(message) if len(f.strip()) >= 4]
            if fragments:
                templates.append((path.name, node.lineno, fragments))
            elif (path.name, ast.unparse(message) if message else '') not in PASSED_ON:
                unreadable.append(f'{path.name}:{node.lineno}: {ast.unparse(node)[:80]}')
    assert unreadable == [], '\n'.join(
        ['messages the scan cannot read (name them in PASSED_ON):', *unreadable])
    return templates


def test_every_warning_message_is_tested_exactly() -> None:
    """Each message (not only each subtype) appears in an exact-warning test."""
    import re

    expected = _expected_warnings()
    untested = []
    for file, line, fragments in _message_templates():
        pattern = re.compile('.*?'.join(re.escape(f) for f in fragments), re.S)
        if not any(pattern.search(w) for w in expected):
            untested.append(f'{file}:{line}: {" … ".join(fragments)}')
    assert untested == [], "\n".join(untested)


def test_every_warning_subtype_is_tested_exactly() -> None:
    """A new subtype cannot ship without an exact-warning test."""
    import re

    from kompass.logs import Kind

    tested = {
        m for line in _expected_warnings() for m in re.findall(r'\[kompass\.(\w+)\]', line)
    }
    assert tested >= {kind.value for kind in Kind}

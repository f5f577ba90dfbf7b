"""Every check of FORMAT.md: the exact warning, file, line and subtype."""

from __future__ import annotations

import pytest

from conftest import warnings_of

PROBLEMS = [
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
    "{root}/reports/bad-2024/second.md:3: WARNING: a second evaluation in folder "
    "'reports/bad-2024'; the folder already has the evaluation at "
    'reports/bad-2024/index.md:3 (one folder holds one evaluation) '
    '[kompass.evaluation]',
    '{root}/reports/bare-2024/index.md:3: WARNING: evaluation is missing the '
    'required option :criteria: [kompass.option]',
    "{root}/reports/bare-2024/index.md:9: WARNING: unknown chart :kind: 'pie'; "
    'expected one of: areas, profile, trend [kompass.option]',
    "{root}/reports/nocat-2024/index.md:3: WARNING: unknown criteria catalogue "
    "'okand'; known catalogues: mini [kompass.catalogue]",
]

CATALOGUE = [
    "{root}/criteria/broken.yaml:6: WARNING: catalogue is not valid YAML: "
    "expected ',' or ']', but got ':' [kompass.catalogue]",
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


@pytest.mark.sphinx('html', testroot='problems', freshenv=True, warningiserror=True)
def test_strict_build_fails_on_kompass_warnings(app) -> None:
    """-W finishes the build (Sphinx >= 8.1), then reports failure."""
    app.build(force_all=True)
    assert app.statuscode == 1
    assert len(warnings_of(app)) == len(PROBLEMS)


def test_every_warning_subtype_is_tested_exactly() -> None:
    """A new subtype cannot ship without an exact-warning test."""
    import re

    from kompass.logs import Kind
    from test_bibtex import EXPECTED as BIB
    from test_examples import EXPECTED as EXAMPLES
    from test_scoredata import EXPECTED as DATA
    from test_security_content import EXPECTED as CONTENT

    tested = {
        m for line in [*PROBLEMS, *CATALOGUE, *DATA, *EXAMPLES, *CONTENT, *BIB]
        for m in re.findall(r'\[kompass\.(\w+)\]$', line)
    }
    assert tested == {kind.value for kind in Kind}

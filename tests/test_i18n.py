"""Reader-facing labels go through one translation point: Swedish as written,
other languages from a catalogue (English ships as the proof)."""

from __future__ import annotations

import io

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import PROJECT, warnings_of

LOCALES = PROJECT / '_ext/kompass/locales'


def _code_msgids() -> set[str]:
    return {
        message for _, _, message, _, _ in extract_from_dir(
            str(PROJECT / '_ext/kompass'), keywords={'_': None})
        if isinstance(message, str)
    }


def test_english_catalogue_translates_every_label_and_is_compiled() -> None:
    po = read_po(io.BytesIO((LOCALES / 'en/LC_MESSAGES/kompass.po').read_bytes()))
    translated = {m.id for m in po if m.id and m.string}
    assert _code_msgids() <= translated, _code_msgids() - translated
    mo = read_mo(io.BytesIO((LOCALES / 'en/LC_MESSAGES/kompass.mo').read_bytes()))
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}


@pytest.mark.sphinx('html', testroot='basic', freshenv=True)
def test_swedish_labels_by_default(app) -> None:
    app.build(force_all=True)
    page = (app.outdir / 'reports/ort-2024/omrade-1.html').read_text(encoding='utf8')
    assert 'Poäng 1.1:' in page and 'Styrkor' in page and 'Rubriker' in page


@pytest.mark.sphinx('html', testroot='basic', freshenv=True, confoverrides={'language': 'en'})
def test_labels_follow_the_language(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == []
    page = (app.outdir / 'reports/ort-2024/omrade-1.html').read_text(encoding='utf8')
    assert 'Points 1.1:' in page and 'Strengths' in page and 'Areas for improvement' in page
    assert 'Styrkor' not in page
    index = (app.outdir / 'reports/ort-2024/index.html').read_text(encoding='utf8')
    assert 'Total points' in index and 'Achieved' in index

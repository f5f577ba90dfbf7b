"""Good examples: the register, the role, municipality pages and the index,
under incremental and parallel builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import next_app, warnings_of
from kompass.register import BUNDLED, load_register

FEL = '{root}/reports/karlskrona-2024/fel.md'
EXPECTED = [
    "{root}/reports/scores.csv:4: WARNING: municipality 'Hogana' is not one of "
    "Sweden's 290 municipalities; did you mean Höganäs? [kompass.municipality]",
    f"{FEL}:5: WARNING: good example 'Burlov' has no criterion: place it in a "
    'section with a {score}, or name one as <Burlov#1.4> [kompass.example]',
    f"{FEL}:5: WARNING: good example 'Lund' has no criterion: place it in a "
    'section with a {score}, or name one as <Lund#1.4> [kompass.example]',
    f"{FEL}:5: WARNING: good example: 'Burlov' is not one of Sweden's 290 "
    'municipalities; did you mean Burlöv, Bjuv? [kompass.municipality]',
    f"{FEL}:13: WARNING: good example 'Malmö': unknown criterion '9.9' in "
    "catalogue 'mini' [kompass.unknown]",
]


def test_register_has_all_290_municipalities() -> None:
    register = load_register(BUNDLED)
    municipalities = list(register.by_key.values())
    assert len(municipalities) == 290
    assert len({m.code for m in municipalities}) == 290
    assert len({m.name for m in municipalities}) == 290
    assert len({m.county for m in municipalities}) == 21
    assert all(re.fullmatch(r'\d{4}', m.code) for m in municipalities)
    known = {'Karlskrona': ('1080', 'Blekinge län'), 'Stockholm': ('0180', 'Stockholms län'),
             'Göteborg': ('1480', 'Västra Götalands län'), 'Malmö': ('1280', 'Skåne län'),
             'Gotland': ('0980', 'Gotlands län'), 'Kiruna': ('2584', 'Norrbottens län'),
             'Burlöv': ('1231', 'Skåne län'), 'Österåker': ('0117', 'Stockholms län')}
    for name, (code, county) in known.items():
        found = register.find(name)
        assert found is not None and (found.code, found.county) == (code, county)
    # The forms reports use find the same municipality.
    assert register.find('Burlövs kommun') == register.find('Burlöv')
    assert register.find('Malmö stad') == register.find('Malmö')
    assert register.suggest('Burlov')[0] == 'Burlöv'


@pytest.mark.sphinx('html', testroot='examples', freshenv=True)
def test_every_good_example_problem_warns_exactly(app) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == EXPECTED


def _html(app, page: str) -> str:  # type: ignore[no-untyped-def]
    return (Path(app.outdir) / page).read_text(encoding='utf8')


@pytest.mark.sphinx('html', testroot='examples', freshenv=True)
def test_mentions_link_to_pages_that_link_back(app) -> None:
    app.build(force_all=True)
    area = _html(app, 'reports/karlskrona-2024/omrade-1.html')
    mention = re.search(
        r'<span class="kompass-good-example" id="(gott-exempel-\d+)">'
        r'<a class="reference internal" href="../../kommuner/burlov.html"[^>]*>'
        r'Burlövs kommun</a>', area)
    assert mention, 'the mention is not a link to the municipality page'
    anchor = mention.group(1)
    page = _html(app, 'kommuner/burlov.html')
    assert 'Skåne län, kommunkod 1231.' in page
    assert '1.1 Strategi' in page  # the criterion of the enclosing section
    assert f'href="../reports/karlskrona-2024/omrade-1.html#{anchor}"' in page
    assert 'kan här fungera som ett gott exempel.' in page  # the sentence itself
    assert 'Mer text följer' not in page  # ... and not the next one
    # The criterion of a score's motivation, and an explicit one.
    assert '1.2 Praktik' in _html(app, 'kommuner/nacka.html')
    assert '2.1 Samverkan' in _html(app, 'kommuner/vaxjo.html')
    # A municipality known only from score data has a page, with its trend;
    # "Höganäs kommun" and "Höganäs" are one municipality.
    hoganas = _html(app, 'kommuner/hoganas.html')
    assert 'Inte nämnd som gott exempel' in hoganas
    assert re.search(r'kompass-trend-\w+\.svg', hoganas)
    # No page for a municipality that is neither evaluated nor mentioned.
    assert not (Path(app.outdir) / 'kommuner/lund.html').exists()
    assert not (Path(app.outdir) / 'kommuner/hoganas-kommun.html').exists()


@pytest.mark.sphinx('html', testroot='examples', freshenv=True)
def test_index_of_examples_by_area_and_criterion(app) -> None:
    app.build(force_all=True)
    index = _html(app, 'goda-exempel.html')
    order = [index.index(s) for s in ('1.1 Strategi', '1.2 Praktik', '2.1 Samverkan')]
    assert order == sorted(order)
    assert 'href="kommuner/burlov.html"' in index
    assert 'Motiveringen nämner Nacka som förebild.' in index
    municipalities = _html(app, 'kommuner.html')
    for slug in ('burlov', 'hoganas', 'karlskrona', 'nacka', 'vaxjo'):
        assert f'href="kommuner/{slug}.html"' in municipalities


@pytest.mark.sphinx('latex', testroot='examples', freshenv=True)
def test_pdf_has_the_names_without_dead_links(app) -> None:
    app.build(force_all=True)
    tex = (Path(app.outdir) / 'karlskrona-2024.tex').read_text(encoding='utf8')
    assert 'Burlövs kommun' in tex
    assert 'kommuner/' not in tex  # the pages belong to the site, not the PDF
    # Every internal link of every PDF has its target: the good-examples index
    # links back to each mention's sentence.
    mentions = 0
    for path in Path(app.outdir).glob('*.tex'):
        text = path.read_text(encoding='utf8')
        labels = set(re.findall(r'\\label\{\\detokenize\{(.*?)\}\}', text))
        links = re.findall(r'\\hyperref\[\\detokenize\{(.*?)\}\]', text)
        assert [link for link in links if link not in labels] == [], path.name
        mentions += sum('gott-exempel' in link for link in links)
    assert mentions > 0


@pytest.mark.sphinx('html', testroot='examples', freshenv=True, copy_test_root=True)
def test_incremental_builds_keep_examples_current(app, make_app) -> None:
    app.build()
    src = Path(app.srcdir)
    area2 = src / 'reports/karlskrona-2024/omrade-2.md'
    # Add a mention in one report: the index and a new page appear.
    area2.write_text(area2.read_text(encoding='utf8').replace(
        'Samverkan fungerar väl.', 'Samverkan fungerar väl, som i {good-example}`Lund`.'),
        encoding='utf8')
    second = next_app(make_app, app, 'html', srcdir=src, freshenv=False)
    second.build()
    assert 'kommuner/lund.html' in _html(second, 'goda-exempel.html')
    assert '2.1 Samverkan' in _html(second, 'kommuner/lund.html')
    # Change it: the index follows.
    area2.write_text(area2.read_text(encoding='utf8').replace('`Lund`', '`Lunds kommun <Lund>`'),
                     encoding='utf8')
    third = next_app(make_app, second, 'html', srcdir=src, freshenv=False)
    third.build()
    assert 'som i Lunds kommun.' in _html(third, 'goda-exempel.html')
    # Remove the last mention of Lund and of Nacka: their pages go.
    area2.write_text(area2.read_text(encoding='utf8').replace(
        ', som i {good-example}`Lunds kommun <Lund>`', ''), encoding='utf8')
    area1 = src / 'reports/karlskrona-2024/omrade-1.md'
    area1.write_text(area1.read_text(encoding='utf8').replace(
        '{good-example}`Nacka`', 'Nacka'), encoding='utf8')
    fourth = next_app(make_app, third, 'html', srcdir=src, freshenv=False)
    fourth.build()
    assert not (Path(fourth.outdir) / 'kommuner/lund.html').exists()
    assert not (Path(fourth.outdir) / 'kommuner/nacka.html').exists()
    index = _html(fourth, 'goda-exempel.html')
    assert 'Lund' not in index and 'Nacka' not in index
    assert 'kommuner/nacka.html' not in _html(fourth, 'kommuner.html')


def _pages(outdir: Path) -> dict[str, str]:
    pages = {}
    for page in ['goda-exempel.html', 'kommuner.html',
                 *(f'kommuner/{p.name}' for p in sorted((outdir / 'kommuner').glob('*.html')))]:
        body = (outdir / page).read_text(encoding='utf8')
        pages[page] = body.split('<div class="body"', 1)[-1].split('<div class="sphinxsidebar"')[0]
    return pages


@pytest.mark.sphinx('html', testroot='examples', freshenv=True, parallel=2)
def test_parallel_build_gives_the_same_pages(app, make_app, tmp_path) -> None:
    assert len(list(Path(app.srcdir).rglob('*.md'))) > 5
    app.build(force_all=True)
    serial = next_app(make_app, app, 'html', srcdir=app.srcdir,
                      builddir=tmp_path / 'serial', freshenv=True)
    serial.build(force_all=True)
    assert _pages(Path(app.outdir)) == _pages(Path(serial.outdir))
    assert sorted(warnings_of(app)) == sorted(warnings_of(serial))


@pytest.mark.sphinx('html', testroot='examples', freshenv=True)
def test_rebuild_that_writes_no_document_still_makes_the_pages(app, make_app) -> None:
    """Municipality pages (with a trend chart) are made on every build, also
    one where no document is written."""
    app.build()
    again = next_app(make_app, app, 'html', srcdir=app.srcdir, freshenv=False)
    again.build()
    assert 'no targets are out of date' in again.status.getvalue()
    assert re.search(r'kompass-trend-\w+\.svg', _html(again, 'kommuner/hoganas.html'))


@pytest.mark.sphinx('html', testroot='examples', freshenv=True,
                    confoverrides={'kompass_municipalities': 'saknas.csv'})
def test_an_unreadable_register_is_a_warning_not_a_crash(app) -> None:
    app.build(force_all=True)
    # The register, and the problems that remain without it.
    assert warnings_of(app) == [
        "{root}/saknas.csv:1: WARNING: cannot read the register of municipalities ([Errno "
        "2] No such file or directory: '{root}/saknas.csv'); names are not checked "
        '(expected a CSV with the columns code,name,county) [kompass.municipality]',
        *EXPECTED[1:3],
        EXPECTED[4],
    ]

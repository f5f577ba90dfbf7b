"""Values read from text: one check for directives, CSV files and settings."""

from __future__ import annotations

import pytest

from kompass import values


@pytest.mark.parametrize(('read', 'text', 'expected'), [
    (values.whole_number, ' 11 ', 11),
    (values.whole_number, '-1', -1),
    (values.year, '2022', 2022),
    (values.iso_date, '2022-08-16', '2022-08-16'),
])
def test_a_good_value_is_read(read, text: str, expected: object) -> None:  # type: ignore[no-untyped-def]
    assert read(text) == expected


@pytest.mark.parametrize(('read', 'text', 'message'), [
    (values.whole_number, 'elva', "'elva' is not a whole number"),
    (values.whole_number, '١٢', "'١٢' is not a whole number"),  # Arabic-Indic digits
    (values.whole_number, '1' * 40, '111111111111… is too large a number'),
    (values.year, '22', "'22' is not a four-digit year"),
    (values.year, '٢٠٢٢', "'٢٠٢٢' is not a four-digit year"),
    (values.year, '２０２２', "'２０２２' is not a four-digit year"),  # full-width
    (values.iso_date, '2021-02-30', "'2021-02-30' is not an ISO date (YYYY-MM-DD)"),
    (values.iso_date, '٢٠٢٢-01-01', "'٢٠٢٢-01-01' is not an ISO date (YYYY-MM-DD)"),
])
def test_a_bad_value_says_what_was_expected(read, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(values.BadValue) as caught:
        read(text)
    assert str(caught.value) == message


def test_a_range_is_checked() -> None:
    with pytest.raises(values.BadValue, match=r'^21 is outside 0\.\.20$'):
        values.whole_number('21', minimum=0, maximum=20)


def test_a_slug_is_ascii() -> None:
    assert values.is_slug('karlskrona-2022') and values.is_slug('haabo-2024')
    assert not values.is_slug('karlskrona-٢٠٢٢') and not values.is_slug('Karlskrona-2022')


def test_suggestions_are_the_closest_names() -> None:
    assert values.closest('Karlskorna', ['Karlskrona', 'Karlstad', 'Lund']) == [
        'Karlskrona', 'Karlstad']
    assert values.did_you_mean('Lnd', ['Lund']) == ' (did you mean Lund?)'
    assert values.did_you_mean('Xyz', ['Lund']) == ''

"""Hostile input (issue 10, the review's findings): nothing runs, leaks or
takes the place of what the build makes, and no input takes the build hours.
"""

from __future__ import annotations

import time


def test_dropped_bib_links_are_located_in_one_pass() -> None:
    """Each dropped url's line was found by scanning the whole file again:
    6000 of them took about 20 s. Now the entry's own text is searched."""
    from pybtex.database.input.bibtex import Parser  # type: ignore[import-untyped]

    from kompass import bibfiles

    count = 6000
    text = ''.join(f'@misc{{k{i},\n  title = {{T{i}}},\n  url = {{javascript:x{i}}},\n}}\n\n'
                   for i in range(count))
    entries = Parser('utf-8').parse_string(text).entries
    start = time.perf_counter()
    problems, dropped = bibfiles._unpublished_links(text, bibfiles._Lines(text), entries)
    elapsed = time.perf_counter() - start
    assert [line for _, _, line in problems] == [5 * i + 3 for i in range(count)]
    assert len(dropped) == count
    assert elapsed < 2, elapsed

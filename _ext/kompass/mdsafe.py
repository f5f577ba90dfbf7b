"""Values from reports written into Markdown as data, never as markup.

``make diff`` prints Markdown that CI pastes into a pull request's job summary.
A report, ``reports/scores.csv`` or a file name is untrusted input there: a
value must not open an HTML tag, a link, emphasis, a table cell, a heading or
close a code fence. Each helper here makes one kind of Markdown from a value
that is shown exactly as written (but on one line).
"""

from __future__ import annotations

import re
import unicodedata

#: Every ASCII punctuation character: CommonMark lets each be backslash-escaped,
#: and escaped it starts no construct (tag, link, emphasis, entity, cell, ...).
_PUNCTUATION = re.compile(r'([!-/:-@\[-`{-~])')
_BACKTICKS = re.compile(r'`+')


def one_line(value: object) -> str:
    """The value as one line: control and line-separator characters become
    spaces (a new line would start a new block), invisible format characters
    (bidirectional overrides, zero-width ones) go, runs of spaces become one."""
    kept = []
    for char in str(value):
        category = unicodedata.category(char)
        if category == 'Cf':
            continue
        kept.append(' ' if category in ('Cc', 'Zl', 'Zp', 'Zs') else char)
    return ' '.join(''.join(kept).split())


def text(value: object) -> str:
    """Inline text that renders as the value's characters and nothing more."""
    return _PUNCTUATION.sub(r'\\\1', one_line(value))


def code(value: object, *, in_table: bool = False) -> str:
    """An inline code span of the value, delimited by more backticks than any
    run inside it; in a table, ``|`` is escaped so it cannot end the cell."""
    content = one_line(value)
    if not content:
        return ''
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    ticks = '`' * (longest + 1)
    pad = ' ' if content.startswith('`') or content.endswith('`') else ''
    if in_table:
        content = content.replace('|', '\\|')
    return f'{ticks}{pad}{content}{pad}{ticks}'


def code_block(lines: list[str]) -> list[str]:
    """A fenced code block of *lines*, its fence longer than any backtick run
    in them (so no line can close it), control characters made spaces and
    invisible format characters dropped."""
    clean = [
        ''.join(
            ' ' if unicodedata.category(c) in ('Cc', 'Zl', 'Zp') else c
            for c in line
            if unicodedata.category(c) != 'Cf'
        )
        for line in lines
    ]
    longest = max((len(run) for line in clean for run in _BACKTICKS.findall(line)), default=0)
    fence = '`' * max(3, longest + 1)
    return [fence, *clean, fence]

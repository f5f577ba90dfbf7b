"""Karlskrona 2022's good examples that the markup missed (issue 11, section 1).

The report names Karlskrona's own practices as good examples; like the others,
each is a ``{good-example}`` with Karlskrona as the municipality, counted for
the criterion of its section. The index quotes the sentence as the seed has it:
the markup changes no word.
"""

from __future__ import annotations

import json
from pathlib import Path

#: (criterion, the sentence as the good-examples index quotes it)
ADDED = [
    ('2.4', 'Ett intressant exempel som redan finns idag och som är värt att lyfta är '
            'Landsbygds- och skärgårdsmiljonen.'),
    ('4.1', 'Den omorganisation av kommunstyrelsens förvaltning med syfte att stärka och '
            'samordna resurser kring såväl styrning och uppföljning som innovation och '
            'utveckling bör kunna främja arbetet för ökad effektivitet framåt.'),
]


def test_karlskronas_own_good_examples_are_marked(project_html: Path) -> None:
    # The site's own score data (data/scores.json): the session's one build.
    data = json.loads((project_html / 'data/scores.json').read_text(encoding='utf8'))
    karlskrona = next(e for e in data['evaluations'] if e['slug'] == 'karlskrona-2022')
    found = [(e['criterion'], e['sentence']) for e in karlskrona['good_examples']
             if e['municipality'] == 'Karlskrona']
    for criterion, sentence in ADDED:
        assert (criterion, sentence) in found

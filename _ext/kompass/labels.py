"""The one translation point for text that readers see.

The reports are Swedish, so the message ids are the Swedish labels themselves:
with ``language = 'sv'`` (or any language without a catalogue) they show as
written. Another language adds ``locales/<lang>/LC_MESSAGES/kompass.po`` beside
this file (English ships); ``make locales`` brings every ``.po`` up to date with
the code and compiles the ``.mo`` that ``setup()`` registers.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.locale import get_translation

MESSAGE_CATALOG_NAME = 'kompass'
LOCALE_DIR = Path(__file__).parent / 'locales'

_ = get_translation(MESSAGE_CATALOG_NAME)


def points(achieved: int | None, maximum: int) -> str:
    """'11 / 20', or '– / 20' when the criterion has no valid score yet."""
    shown = '–' if achieved is None else str(achieved)
    return f'{shown} / {maximum}'

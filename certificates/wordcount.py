"""Counting words as a person would, in English and Norwegian.

A word is a run of letters or digits; hyphens and apostrophes inside it keep it one word
("e-post", "CIL-sertifikatet", "student's", "2025-2026"), while a dash standing alone (an en
dash, " - ") or punctuation is not a word. Letters are Unicode letters, so æ, ø and å are too.

Words are counted as they are read: the text is NFKC-normalised, and characters that show
nothing, format characters (zero-width space and joiners, word joiner, byte-order mark, soft
hyphen...) and combining marks and variation selectors, are taken out before counting, so
they neither pad the count ("a\u200bb" is one word) nor split a word. The live counter in
static/js/cil.js does the same; tests/support/wordcount_cases.py holds the cases both answer.
"""

from __future__ import annotations

import re
import unicodedata

# Joiners inside a word: hyphen-minus, Unicode hyphen (U+2010), apostrophe, right quote (U+2019).
_WORD = re.compile("[^\\W_]+(?:[-\u2010'\u2019][^\\W_]+)*")


# Zero-width space, non-joiner, joiner, word joiner and byte-order mark: all format characters
# (Cf) today, named so that no Unicode update can let them count.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def _shows(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch not in _ZERO_WIDTH and category != "Cf" and not category.startswith("M")


def _as_read(text: str) -> str:
    return "".join(filter(_shows, unicodedata.normalize("NFKC", text)))


def count_words(*texts: str) -> int:
    return sum(len(_WORD.findall(_as_read(text or ""))) for text in texts)

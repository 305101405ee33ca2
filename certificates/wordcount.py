"""Counting words as a person would, in English and Norwegian.

A word is a run of letters or digits; hyphens and apostrophes inside it keep it one word
("e-post", "CIL-sertifikatet", "student's", "2025-2026"), while a dash standing alone (an en
dash, " - ") or punctuation is not a word. Letters are Unicode letters, so æ, ø and å are too.
"""

from __future__ import annotations

import re

# Joiners inside a word: hyphen-minus, Unicode hyphen (U+2010), apostrophe, right quote (U+2019).
_WORD = re.compile("[^\\W_]+(?:[-\u2010'\u2019][^\\W_]+)*")


def count_words(*texts: str) -> int:
    return sum(len(_WORD.findall(text or "")) for text in texts)

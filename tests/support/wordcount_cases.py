"""Texts and their word counts as a person reads them: the server's counter
(certificates/wordcount.py) and the live counter in the browser (static/js/cil.js) both
answer these."""

from __future__ import annotations

# Bokmål with hyphenated words, as a student writes it: 10 words by a person's count.
NORWEGIAN = "Utvekslingen i Granada ga meg et e-post-vennskap og CIL-sertifikatet \u2013 endelig! "

WORD_COUNT_CASES = [
    ("", 0),
    ("Hello world.", 2),
    (NORWEGIAN, 10),
    ("Sykepleier-student's  notes, 2025-2026.", 3),
    ("A dash - is not a word; nor is \u2013 this.", 9),
    ("æ ø å", 3),
    ("snake_case counts twice", 4),
    # Invisible characters count as nothing: they neither make nor split a word.
    ("a\u200b" * 800, 1),  # 800 letters with zero-width spaces between them read as one word
    ("word\u200cword\u200dword\u2060word\ufeffword", 1),
    ("\u200b \u200b\u2060 \ufeff", 0),
    ("\ufeffHello\u2060 world\u200d.", 2),
    ("e\u00adpost", 1),  # a soft hyphen, like the others a format character
    ("x\u0301" * 100, 1),  # combining accents between letters
    ("a\ufe0f" * 100, 1),  # variation selectors
    ("Hello\u00a0world", 2),  # a no-break space is a space
    ("\uff37\uff4f\uff52\uff44\uff53 \uff11\uff12\uff13", 2),  # full-width letters and digits
    ("नमस्ते दुनिया", 2),  # vowel signs and viramas are part of their word
]

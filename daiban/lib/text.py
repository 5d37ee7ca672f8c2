"""Chinese text as generated papers and messages print it: sentences joined from parts (a reason the user
typed with its own full stop, a template's own 。) never double their punctuation."""
from __future__ import annotations

import re

_REPEATED = re.compile(r"([。，；、：！？])\1+")
_BEFORE_STOP = re.compile(r"[，；、：]+(?=[。！？])")
_REPEATED_WORDS = re.compile(r"(业主)\1+")


def tidy(text: str) -> str:
    """"。。" → "。", "，。" → "。", "业主业主" → "业主"; everything else as it was."""
    if not text:
        return text
    return _REPEATED_WORDS.sub(r"\1", _BEFORE_STOP.sub("", _REPEATED.sub(r"\1", text)))

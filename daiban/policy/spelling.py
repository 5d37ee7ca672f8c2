"""What people type that is not quite the word: traditional characters, homophone typos, pinyin initials.

Maintained libraries do the language work: OpenCC (opencc-python-reimplemented) folds traditional
characters to simplified (環評 → 环评); pypinyin gives the toneless pinyin that tells 环平 sounds like the
domain word 环评 (the usual input-method slip), and the initials that let hp find 环评 and sgxkz 施工许可证.
Only the service's own vocabulary (domain_dict.txt and the synonyms) is offered as a correction.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from daiban.policy.synonyms import all_words

_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_INITIALS = re.compile(r"[a-z]{2,8}")
MAX_WINDOW = 6


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


def sound(word: str) -> str:
    return "".join(lazy_pinyin(word))


def initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    from daiban.policy.segment import dictionary_words  # segment.py imports this module to read a query

    by_sound: dict[str, list[str]] = defaultdict(list)
    by_initials: dict[str, list[str]] = defaultdict(list)
    for word in sorted({*dictionary_words(), *all_words()}):
        if _CJK_RUN.fullmatch(word):
            by_sound[sound(word)].append(word)
            by_initials[initials(word)].append(word)
    return dict(by_sound), dict(by_initials)


def correct(text: str, known) -> str:
    """`text` with each run of Chinese characters that is no known word but sounds exactly like a word of the
    service's vocabulary replaced by it (环平 → 环评). `known(word)` says whether a word is known as it is."""
    by_sound, _ = _vocabulary()

    def fix(run: str) -> str:
        out, i = [], 0
        while i < len(run):
            for size in range(min(MAX_WINDOW, len(run) - i), 1, -1):
                window = run[i:i + size]
                alike = by_sound.get(sound(window))
                if alike and window not in alike and not known(window):
                    out.append(alike[0])
                    i += size
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)

    return _CJK_RUN.sub(lambda m: fix(m.group(0)), text)


def from_initials(word: str) -> list[str]:
    """Vocabulary words whose pinyin initials are `word` (hp → 环评)."""
    if not _INITIALS.fullmatch(word):
        return []
    return _vocabulary()[1].get(word, [])

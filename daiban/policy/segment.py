"""Chinese word segmentation for the search: jieba with the agency service's own dictionary.

Documents and queries go through the same tokenizer, in Python, so the index and its answers are the
same on SQLite and PostgreSQL. A document is indexed under every word jieba cuts it into and under
every dictionary word inside a longer one (建筑工程施工许可证 also under 施工许可 and 许可证), so a
query for a shorter word finds the longer one; the query itself is cut precisely.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import jieba

from daiban.policy.spelling import correct, from_initials, simplified
from daiban.policy.synonyms import all_words, synonyms_of

DICTIONARY = Path(__file__).with_name("domain_dict.txt")
MAX_TERM_LENGTH = 32  # SearchTerm.term's column

# Words too common to tell documents apart; single Chinese characters are dropped anyway.
STOPWORDS = frozenset("""
我们 你们 他们 它们 我想 请问 问下 一下 这个 那个 这些 那些 什么 怎么 怎么办 怎样 怎么样 如何
哪些 哪里 哪个 是否 能否 可以 可否 需要 以及 或者 并且 而且 进行 有关 相关 关于
对于 其中 等等 已经 一个 没有 还是 就是 为了 通过 按照 根据
""".split())

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDY = re.compile(r"[0-9a-z\u3400-\u9fff]")

logging.getLogger("jieba").setLevel(logging.WARNING)


def dictionary_words() -> list[str]:
    lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """One tokenizer a process (building jieba's prefix dictionary takes about a second)."""
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in sorted({*dictionary_words(), *all_words()}):
        tk.add_word(word)
    return tk


def normalize(text: str) -> str:
    """Full-width letters and digits to half-width, lower case: ＳＯ４ and s04 are S04; traditional characters
    to simplified: 環評 is 环评."""
    return simplified(unicodedata.normalize("NFKC", text or "")).lower()


def _keep(word: str) -> bool:
    if not _WORDY.search(word) or word in STOPWORDS or len(word) > MAX_TERM_LENGTH:
        return False
    # A single character says little: 的, 证, 表 … (a single letter or digit neither).
    return len(word) > 1


def words(text: str) -> list[str]:
    """The query's words: jieba's precise cut, without stopwords and single characters."""
    return [w for w in (w.strip() for w in tokenizer().cut(normalize(text))) if _keep(w)]


def inner_words(word: str) -> Iterator[str]:
    """Dictionary words inside a longer word (施工许可证 → 施工, 许可, 施工许可, 许可证)."""
    if len(word) <= 2 or not _CJK.search(word):
        return
    freq = tokenizer().FREQ
    for size in range(2, len(word)):
        for start in range(len(word) - size + 1):
            part = word[start:start + size]
            if freq.get(part):
                yield part


def terms(text: str) -> Counter[str]:
    """How often each index term occurs in `text` (words and the dictionary words inside them)."""
    counts: Counter[str] = Counter()
    for word in words(text):
        counts[word] += 1
        for part in inner_words(word):
            if _keep(part):
                counts[part] += 1
    return counts


def _known(word: str) -> bool:
    return bool(tokenizer().FREQ.get(word))


def query_groups(query: str) -> list[frozenset[str]]:
    """One group a word of the query: the word and its synonyms. A document matches a group when it
    has any of its terms. Repeated words count once. A typo that sounds like one of the service's words is
    read as that word (spelling.correct); letters that are the pinyin initials of such words find them."""
    groups: list[frozenset[str]] = []
    for word in words(correct(normalize(query), _known)):
        group = synonyms_of(word)
        for meant in from_initials(word):
            group = group | synonyms_of(meant)
        if group not in groups:
            groups.append(group)
    return groups


def fallback_terms(word_group: Iterable[str]) -> frozenset[str]:
    """For a query word no document has (an unknown word jieba glued together): its dictionary words
    and the pieces a cut without new-word guessing gives."""
    found: set[str] = set()
    for word in word_group:
        found.update(p for p in inner_words(word) if _keep(p))
        found.update(p for p in tokenizer().cut(word, HMM=False) if _keep(p) and p != word)
    return frozenset(found)

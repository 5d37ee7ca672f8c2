"""Text to find a row by: its names and codes folded into one lower-case column, and a query cut into words.

The column is kept in step by the field itself (on save and on bulk insert, like the look-up hashes), so nothing
that writes a row can forget it. A query matches when every word it holds occurs in the column, in any order:
"鳌江 塑料" and "塑料项目鳌江镇" both find 平阳县鳌江镇塑料制品有限公司's project. On PostgreSQL a GIN index
serves each word: it holds every two characters of the column's chunks and every three ASCII ones (the SQL
function `daiban_search_pieces`, intake migration 0009), so a word of two characters or more is looked up by its pieces
(`pieces_query`) and the `LIKE '%word%'` confirms it; on SQLite the same `LIKE` alone scans, with the same result.
"""
from __future__ import annotations

import re
import unicodedata

from django.db import models

MAX_QUERY_LENGTH = 100
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def fold(value: str) -> str:
    """Full-width to half-width, lower case, runs of space and punctuation to one space."""
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", value or "").lower()).strip()


def query_words(query: str) -> list[str]:
    """The words of a query, cut by jieba where the text is Chinese, each word once, in order."""
    import jieba  # loads its dictionary on first use; only searches pay for it

    words: list[str] = []
    for chunk in fold(query).split():
        for word in _joined_singles(jieba.cut(chunk, HMM=False)) if not chunk.isascii() else [chunk]:
            if word not in words:
                words.append(word)
    return words


def word_pieces(word: str) -> list[str]:
    """The pieces of `word` the index holds for any text containing it (intake migration 0009): every three
    ASCII characters, and every two characters not inside such a three."""
    found: list[str] = []
    covered: set[int] = set()
    for i in range(len(word) - 2):
        if word[i:i + 3].isascii():
            found.append(word[i:i + 3])
            covered.update((i, i + 1))
    found += [word[i:i + 2] for i in range(len(word) - 1) if i not in covered]
    return found


def pieces_query(words: list[str]) -> str | None:
    """A PostgreSQL tsquery asking for every piece of every word: true of each row whose text holds all the
    words (and of a few more, which the LIKE of each word then removes). None when no word has two characters."""
    pieces = dict.fromkeys(piece for word in words for piece in word_pieces(word))
    if not pieces:
        return None
    return " & ".join("'" + piece.replace("\\", "\\\\").replace("'", "''") + "'" for piece in pieces)


def _joined_singles(pieces) -> list[str]:
    """jieba splits a word it does not know (a place, a brand) into characters; a run of single characters is
    taken back as one word, so 鳌江 stays 鳌江 rather than matching 鳌 and 江 anywhere."""
    words: list[str] = []
    run = ""
    for piece in (p.strip() for p in pieces):
        if len(piece) == 1:
            run += piece
            continue
        if run:
            words.append(run)
            run = ""
        if piece:
            words.append(piece)
    if run:
        words.append(run)
    return words


class SearchTextField(models.TextField):
    """The folded text of other fields of the same row, rewritten on every save and bulk insert."""

    def __init__(self, *args, sources: tuple[str, ...] = (), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, default in (("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = " ".join(fold(str(getattr(model_instance, name) or "")) for name in self.sources).strip()
        setattr(model_instance, self.attname, value)
        return value

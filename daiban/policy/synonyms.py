"""Words that mean the same in the agency service: abbreviations, old and new names.

A search for any word of a group finds documents that use any other word of it; the table is read
at query time, so adding a group needs no re-indexing (its words do enter the dictionary, see
segment.py, so documents indexed before a new word was added should be re-indexed with
`manage.py policy_reindex` for the new word to be found inside longer ones).
"""
from __future__ import annotations

SYNONYM_GROUPS: list[tuple[str, ...]] = [
    ("环评", "环境影响评价"),
    ("能评", "节能审查", "节能评估"),
    ("施工证", "施工许可证"),
    ("联审", "联合审查"),
    ("多测合一", "联合测绘"),
    ("水保", "水土保持"),
    ("安评", "安全评价"),
    ("图审", "施工图审查"),
    ("人防", "人民防空"),
    ("消防审查", "消防设计审查"),
    ("工规证", "工程规划许可证"),
    ("用地规划许可证", "建设用地规划许可证", "用地证"),
    ("土地证", "不动产权证书"),
    ("危化品", "危险化学品"),
    ("联系卡", "代办联系卡"),
    ("发改局", "发展和改革局"),
    ("住建局", "住房和城乡建设局"),
    ("资规局", "自然资源和规划局"),
    ("环保局", "生态环境局"),
    ("审管办", "行政审批服务管理办公室"),
    ("台帐", "台账"),
    ("浙里办", "浙江政务服务网"),
    ("立项", "项目备案"),
]


def _by_word() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        for word in group:
            table.setdefault(word, set()).update(group)
    return {word: frozenset(words) for word, words in table.items()}


SYNONYMS = _by_word()


def synonyms_of(word: str) -> frozenset[str]:
    """The word and every word that means the same."""
    return SYNONYMS.get(word, frozenset({word}))


def all_words() -> set[str]:
    return set(SYNONYMS)

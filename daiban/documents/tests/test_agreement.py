"""委托代办协议: the parties, exactly the entrusted items, and the clauses the measures require."""
from __future__ import annotations

from io import BytesIO

from docx import Document

from daiban.documents.agreement import entrustment_agreement
from daiban.documents.layout import read_text
from daiban.documents.tests import samples


def agreement_text(**changes) -> str:
    return read_text(entrustment_agreement(samples.agreement(**changes)))


def items_table(data: bytes):
    doc = Document(BytesIO(data))
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")


def test_the_agreement_names_both_parties():
    text = agreement_text()
    for expected in ("委托方（甲方）：平阳县某某精密传动有限公司", "统一社会信用代码：91330326MA2L8K3P1F",
                     "法定代表人：陈立峰", "联系人：王建国（13857712345）",
                     "受托方（乙方）：平阳县鳌江镇投资项目代办服务中心", "代办员：林晓燕（13967788021）",
                     "首席代办员：周振华（13906776530）"):
        assert expected in text, expected


def test_the_items_table_lists_exactly_the_chosen_items_in_order():
    data = entrustment_agreement(samples.agreement())
    rows = [[cell.text for cell in row.cells] for row in items_table(data).rows]
    assert rows == [
        ["序号", "事项名称", "审批部门", "承诺时限（工作日）"],
        ["1", "国有建设用地使用权出让合同签订", "自然资源和规划局", "5"],
        ["2", "企业投资项目备案（赋码）", "发展和改革局", "1"],
        ["3", "环境影响评价审批（报告表）", "生态环境局", "10"],
        ["4", "建筑工程施工许可证", "住房和城乡建设局", "7"],
    ]
    text = read_text(data)
    assert "共4项" in text
    for absent in ("不动产权证书", "建设工程规划许可证", "施工图设计文件审查", "电力接入"):
        assert absent not in text


def test_a_different_choice_gives_a_different_table():
    data = entrustment_agreement(samples.agreement(items=(samples.G02, samples.U01)))
    assert [row.cells[1].text for row in items_table(data).rows[1:]] == ["建设工程规划许可证", "电力接入（高压用户）"]
    assert "国有建设用地使用权出让合同签订" not in read_text(data)


def test_the_service_is_free_and_no_fee_of_any_kind_is_taken():
    text = agreement_text()
    assert "全程免费" in text
    assert "不以任何名义向甲方收取代办费、咨询费、劳务费等任何费用" in text
    assert "纪检监察机关举报" in text


def test_the_owner_keeps_the_legal_responsibility_of_the_project():
    text = agreement_text()
    assert "代办不包办、服务不揽责" in text
    assert "不改变项目审批事项的法律关系" in text and "依法承担项目建设的法律责任" in text


def test_the_owner_must_give_true_materials_and_attend_in_person_items():
    text = agreement_text()
    assert "真实性、合法性、完整性负责" in text
    assert "（国有建设用地使用权出让合同签订）" in text  # the only in-person item chosen
    assert "自主选择中介服务机构" in text


def test_the_agency_reports_every_half_month_and_keeps_business_secrets():
    text = agreement_text()
    assert "每半个月向甲方反馈一次代办进度" in text
    assert "商业秘密" in text and "妥善保管" in text


def test_the_owner_may_end_the_entrustment_at_any_time_in_writing():
    text = agreement_text()
    assert "随时以书面形式通知乙方变更委托事项或者终止委托" in text
    assert "代办项目办结单" in text and "代办项目委托终止单" in text and "2个工作日内" in text


def test_the_clauses_run_from_the_first_to_the_eighth_article():
    text = agreement_text()
    numerals = "一二三四五六七八"
    positions = [text.index(f"第{n}条") for n in numerals]
    assert positions == sorted(positions) and "第九条" not in text


def test_both_parties_have_a_signature_and_seal_block_with_the_date():
    text = agreement_text()
    assert "委托方（甲方）：（盖章）" in text and "受托方（乙方）：（盖章）" in text
    assert "法定代表人或授权代表（签字）：" in text and "代办员（签字）：" in text
    assert text.count("日期：2026年11月27日") == 2


def test_an_unsigned_agreement_leaves_the_date_to_be_written():
    assert agreement_text(signed_on=None).count("日期：＿＿＿＿年＿＿月＿＿日") == 2


def test_full_entrustment_says_so():
    assert "委托乙方全程代办" in agreement_text(all_items=True)
    assert "委托乙方部分代办" in agreement_text()

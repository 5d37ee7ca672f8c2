from __future__ import annotations

import pytest
from django.core.management import call_command

from daiban.adoption.models import LedgerRow
from daiban.adoption.reader import read_ledger
from daiban.adoption.services import IMPORTED, REFUSED, SKIPPED, WOULD_IMPORT, ledger_import
from daiban.adoption.tests import messy_ledger as generated
from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseItem
from daiban.catalog.models import CatalogItem
from daiban.closure.models import Closure
from daiban.lib import clock
from daiban.lib.errors import Forbidden
from daiban.org.models import User

TODAY = "2026-06-01"


@pytest.fixture
def ledger(demo):
    codes = list(CatalogItem.objects.order_by("code").values_list("code", flat=True)[:2])
    return read_ledger(generated.messy_ledger(codes), "台帐.xlsx")


def _run(person, ledger, **kwargs):
    with clock.frozen(TODAY):
        return ledger_import(actor=person("center"), ledger=ledger, source_file="台帐.xlsx", **kwargs)


def _reasons(result) -> str:
    return "\n".join("；".join(row.errors) for row in result.rows if row.outcome == REFUSED)


def test_the_messy_ledger_imports_every_good_row_and_lists_every_bad_one_with_its_reason(person, ledger):
    cases_before = Case.objects.count()
    result = _run(person, ledger)
    assert result.count(IMPORTED) == generated.IMPORTED
    assert result.count(REFUSED) == sum(generated.REFUSED.values())
    assert result.count(SKIPPED) == generated.DUPLICATES
    assert Case.objects.count() == cases_before + generated.IMPORTED
    reasons = _reasons(result)
    assert reasons.count("校验位不正确") == generated.REFUSED["bad credit code"]
    assert reasons.count("不是本县的乡镇或园区") == generated.REFUSED["unknown place"]
    assert reasons.count("办结日期") >= generated.REFUSED["finish before start"]
    assert reasons.count("晚于今天") >= generated.REFUSED["future date"]
    assert "不在事项目录中" in reasons
    assert AuditEvent.objects.filter(event_type="import.case_imported").count() == generated.IMPORTED


def test_a_second_run_imports_nothing_twice(person, ledger):
    _run(person, ledger)
    cases = Case.objects.count()
    again = _run(person, ledger)
    assert again.count(IMPORTED) == 0
    assert again.count(SKIPPED) == generated.IMPORTED + generated.DUPLICATES
    assert Case.objects.count() == cases


def test_a_refused_row_leaves_nothing_half_written(person, ledger):
    result = _run(person, ledger)
    refused_keys = {row.key for row in result.rows if row.outcome == REFUSED}
    assert not LedgerRow.objects.filter(key__in=refused_keys).exists()
    assert not Case.objects.filter(request__tracking_no__in=refused_keys).exists()


def test_imported_rows_keep_their_dates_states_items_and_closures(person, ledger):
    _run(person, ledger)
    case = Case.objects.select_related("request").get(request__tracking_no="PY20250001")
    assert case.status == "completed"  # line 1 says 已办结
    assert str(case.accepted_at.date()) == "2025-01-05"
    assert Closure.objects.get(case=case).closed_on.isoformat() == "2025-02-14"
    assert CaseItem.objects.filter(case=case).count() == 2
    assert case.request.contact_phone == "13800000001"  # stored in the encrypted field
    no_number = LedgerRow.objects.get(key__startswith=generated.credit_code(5))
    assert no_number.request.tracking_no.startswith("DR2025")
    full_width = Case.objects.get(request__tracking_no="PY20250014")
    assert full_width.request.company.credit_code == generated.credit_code(14)


def test_a_dry_run_reports_every_row_and_writes_nothing(person, ledger):
    events = AuditEvent.objects.count()
    result = _run(person, ledger, dry_run=True)
    assert result.count(WOULD_IMPORT) == generated.IMPORTED
    assert not LedgerRow.objects.exists()
    assert AuditEvent.objects.count() == events


def test_only_the_center_administrator_may_import(person, ledger):
    with pytest.raises(Forbidden):
        _run(lambda _: User.objects.get(username="aojiang"), ledger)


def test_the_command_reads_a_csv_ledger_and_reports_counts(demo, tmp_path, capsys):
    ledger = tmp_path / "台帐.csv"
    code = generated.credit_code(77)
    ledger.write_text("企业名称,统一社会信用代码,项目名称,建设地点,总投资（万元）,联系人,联系电话,登记日期,状态\n"
                      f"平阳县甲有限公司,{code},甲项目,鳌江镇,3000,张三,13912345678,2025-03-01,代办中\n"
                      f"平阳县乙有限公司,{code[:17]}X,乙项目,鳌江镇,3000,李四,13912345679,2025-03-01,代办中\n",
                      encoding="utf-8-sig")
    with clock.frozen(TODAY):
        call_command("import_ledger", str(ledger), "--dry-run")
        assert "可导入 1 行" in capsys.readouterr().out
        call_command("import_ledger", str(ledger))
        out = capsys.readouterr().out
    assert "已导入 1 行" in out and "未导入 1 行" in out and "校验位不正确" in out
    assert LedgerRow.objects.filter(key=f"{code}|甲项目").exists()


def test_a_tracking_number_already_used_in_the_system_is_refused_with_its_reason(person):
    from daiban.intake.models import Request

    taken = Request.objects.values_list("tracking_no", flat=True).first()
    ledger = read_ledger(("登记编号,企业名称,统一社会信用代码,项目名称,建设地点,总投资（万元）,联系人,联系电话,登记日期\n"
                          f"{taken},平阳县戊有限公司,{generated.credit_code(99)},戊项目,鳌江镇,500,钱七,13911112222,"
                          "2025-05-01\n").encode(), "台帐.csv")
    result = _run(person, ledger)
    assert result.count(REFUSED) == 1 and "已被系统中其他登记使用" in _reasons(result)

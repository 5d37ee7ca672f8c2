from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import StaffClient, in_parallel
from daiban.adoption.models import LedgerRow, LedgerUpload
from daiban.adoption.tests.messy_ledger import credit_code
from daiban.audit.models import AuditEvent
from daiban.lib import clock


def _csv(code: str) -> SimpleUploadedFile:
    text = ("单位名称,信用代码,项目名称,所在乡镇,投资额（万元）,联系人,手机号码,登记日期,受理日期,状态,办结日期\n"
            f"平阳县丙有限公司,{code},丙项目,鳌江镇,８０００,王五,13900001111,2025/4/1,2025年4月3日,已办结,2025-06-30\n"
            f"平阳县丁有限公司,{code},丁项目,火星镇,100,赵六,13900002222,2025-04-01,,代办中,\n")
    return SimpleUploadedFile("台帐.csv", text.encode("utf-8-sig"), content_type="text/csv")


def test_the_center_administrator_previews_then_confirms_the_kept_file(demo, client):
    client.login("center")
    code = credit_code(88)
    with clock.frozen("2026-06-01"):
        preview = client.post("/import/ledger/", {"action": "preview", "file": _csv(code)})
        assert preview.status_code == 200
        page = preview.content.decode()
        assert "可导入 1 行" in page and "不是本县的乡镇或园区" in page
        assert not LedgerRow.objects.exists()
        upload = preview.context["upload"]
        assert bytes(LedgerUpload.objects.get(pk=upload.pk).content).startswith("\ufeff单位名称".encode())
        assert f'name="upload" value="{upload.pk}"' in page and 'name="content"' not in page, "never re-posted"
        confirm = client.post("/import/ledger/", {"action": "confirm", "upload": upload.pk,
                                                  "content": "not read any more"})
    assert "已导入 1 行" in confirm.content.decode()
    assert LedgerRow.objects.get(key=f"{code}|丙项目").request.case.status == "completed"
    again = client.post("/import/ledger/", {"action": "confirm", "upload": upload.pk})
    assert again.status_code == 409 and "确认导入" in again.content.decode()
    unknown = client.post("/import/ledger/", {"action": "confirm", "upload": "x1"})
    assert unknown.status_code == 404 and "没有该台帐导入文件" in unknown.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_of_one_file_sent_at_once_import_it_once(demo):
    first = StaffClient()
    first.login("center")
    second = StaffClient()
    second.cookies = first.cookies  # the same administrator pressing 确认 in two tabs
    code = credit_code(89)
    upload = first.post("/import/ledger/", {"action": "preview", "file": _csv(code)}).context["upload"]

    def confirm(client):
        return lambda: client.post("/import/ledger/", {"action": "confirm", "upload": upload.pk})

    answers = in_parallel([confirm(first), confirm(second)])
    assert sorted(getattr(a, "status_code", a) for a in answers) == [200, 409]
    assert LedgerRow.objects.filter(key=f"{code}|丙项目").count() == 1
    assert AuditEvent.objects.filter(event_type="import.ledger_confirmed", object_id=str(upload.pk)).count() == 1


def test_a_file_that_is_not_a_ledger_gets_a_chinese_error_not_a_500(demo, client):
    client.login("center")
    bad = SimpleUploadedFile("台帐.xlsx", b"not a workbook")
    answer = client.post("/import/ledger/", {"action": "preview", "file": bad})
    assert answer.status_code == 422 and "无法读取该 Excel 文件" in answer.content.decode()


def test_the_template_has_the_documented_headers_and_an_items_sheet(demo, client):
    client.login("center")
    answer = client.get("/import/ledger/template.xlsx")
    book = load_workbook(io.BytesIO(answer.content))
    assert [cell.value for cell in book.worksheets[0][1]][:3] == ["登记编号", "企业名称", "统一社会信用代码"]
    assert "事项" in book.sheetnames


def test_the_import_page_does_not_exist_for_an_agent(demo, client):
    client.login("aojiang")
    assert client.get("/import/ledger/").status_code == 404


def test_the_import_format_export_is_posted_by_the_center_and_recorded(demo, client):
    client.login("center")
    assert client.get("/import/ledger/export.xlsx").status_code == 405, "never a link a crawler or prefetch follows"
    answer = client.post("/import/ledger/export.xlsx")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(answer.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert {"联系电话", "代办团队", "承办机构", "归档日期"} <= set(headers)
    phones = [row[headers.index("联系电话")] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert phones and all(len(phone) == 11 and "*" not in phone for phone in phones), "unmasked, for the rebuild"
    assert AuditEvent.objects.filter(event_type="import.ledger_exported", actor_name="center").exists()


def test_an_agent_cannot_export_the_import_format(demo, client):
    client.login("aojiang")
    assert client.post("/import/ledger/export.xlsx").status_code == 404

"""The ledger import through the API: a preview of every row (nothing written), then one confirmation; the
center administrator's alone, audited, repeatable with an Idempotency-Key."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from daiban.adoption.models import LedgerRow, LedgerUpload
from daiban.adoption.tests import messy_ledger as generated
from daiban.adoption.tests.messy_ledger import credit_code
from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.lib import clock


def ledger_csv(code: str) -> SimpleUploadedFile:
    text = ("单位名称,信用代码,项目名称,所在乡镇,投资额（万元）,联系人,手机号码,登记日期,受理日期,状态,办结日期\n"
            f"平阳县丙有限公司（分公司）,{code},丙项目,鳌江镇,８０００,王五,13900001111,2025/4/1,2025年4月3日,已办结,2025-06-30\n"
            f"平阳县丙有限公司（分公司）,{code},丙项目,鳌江镇,８０００,王五,13900001111,2025/4/1,2025年4月3日,已办结,2025-06-30\n"
            f"平阳县丁有限公司,{code},丁项目,火星镇,100,赵六,13900002222,2025-04-01,,代办中,\n")
    return SimpleUploadedFile("台帐.csv", text.encode("utf-8-sig"), content_type="text/csv")


def send(caller, path: str, data: dict | None = None, **headers):
    return caller.client.post(f"/api/v1/{path}", data or {}, headers={**caller.headers, **headers})


def test_the_center_previews_a_ledger_then_confirms_it_once(api_as):
    center, code = api_as("center"), credit_code(77)
    preview = send(center, "imports/ledger", {"file": ledger_csv(code)})
    assert preview.status_code == 201, preview.content
    body = preview.json()
    assert body["counts"] == {"would_import": 1, "imported": 0, "skipped": 1, "refused": 1}
    assert [row["outcome"] for row in body["rows"]] == ["would_import", "skipped", "refused"]
    assert body["rows"][1]["errors"] == ["与第 2 行重复"]
    assert any("不是本县的乡镇或园区" in error for error in body["rows"][2]["errors"])
    assert not LedgerRow.objects.exists() and body["confirmed"] is False

    done = send(center, f"imports/{body['id']}/confirm")
    assert done.status_code == 200 and done.json()["counts"]["imported"] == 1 and done.json()["confirmed"]
    case = LedgerRow.objects.get(key=f"{code}|丙项目").request.case
    assert case.status == "completed" and case.request.company_name == "平阳县丙有限公司（分公司）"

    again = send(center, f"imports/{body['id']}/confirm")
    assert again.status_code == 409 and again.json()["code"] == "import.already_confirmed"
    events = AuditEvent.objects.filter(actor_name="center", event_type__in=["import.ledger_uploaded",
                                                                            "import.ledger_confirmed"])
    assert sorted(events.values_list("event_type", flat=True)) == ["import.ledger_confirmed", "import.ledger_uploaded"]


def test_a_second_file_with_the_same_rows_imports_nothing_twice(api_as):
    center, code = api_as("center"), credit_code(78)
    first = send(center, "imports/ledger", {"file": ledger_csv(code), "dry_run": "false"})
    assert first.status_code == 201 and first.json()["counts"]["imported"] == 1
    second = send(center, "imports/ledger", {"file": ledger_csv(code), "dry_run": "false"}).json()
    assert second["counts"]["imported"] == 0 and second["rows"][0]["errors"] == ["此前已导入"]


def test_an_agent_is_refused_before_its_file_is_read_and_the_refusal_is_recorded(api_as, person):
    before = AuditEvent.objects.filter(event_type="access.refused", actor_id=person("aojiang").pk).count()
    for data in ({"file": ledger_csv(credit_code(79))}, {}, {"dry_run": "perhaps"}):
        answer = send(api_as("aojiang"), "imports/ledger", data)
        assert (answer.status_code, answer.json()["code"]) == (403, "permission.denied")
    assert send(api_as("aojiang"), "imports/1/confirm").status_code == 403
    assert send(api_as("aojiang"), "imports/ledger/export").status_code == 403
    assert AuditEvent.objects.filter(event_type="access.refused", actor_id=person("aojiang").pk).count() == before + 5
    assert not LedgerUpload.objects.exists()


def test_a_missing_or_unreadable_file_or_a_bad_flag_is_a_chinese_field_error(api_as):
    center = api_as("center")
    cases = [({}, "file", "请上传台帐文件"),
             ({"file": SimpleUploadedFile("台帐.xlsx", b"not a workbook")}, "file", "无法读取该 Excel 文件"),
             ({"file": SimpleUploadedFile("台帐.csv", b"\xff\xfe\x00\xd8")}, "file", "无法读取该 CSV 文件"),
             ({"file": SimpleUploadedFile("台帐.pdf", b"%PDF")}, "file", "只能导入 .xlsx 或 .csv 文件"),
             ({"file": SimpleUploadedFile("台帐.csv", b"x," * 800_000)}, "file", "文件超过 1.5 MB"),
             ({"file": ledger_csv(credit_code(80)), "dry_run": "perhaps"}, "dry_run", "应为 true 或 false")]
    for data, field, message in cases:
        answer = send(center, "imports/ledger", data)
        assert answer.status_code == 422, answer.content
        assert answer.json()["fields"][0]["field"] == field, answer.json()
        assert message in answer.json()["fields"][0]["message"]
    assert send(center, "imports/999999/confirm").status_code == 404


def test_the_same_idempotency_key_answers_the_same_preview_and_keeps_one_file(api_as):
    center = api_as("center")
    first = send(center, "imports/ledger", {"file": ledger_csv(credit_code(81))}, **{"Idempotency-Key": "ledger-1"})
    again = send(center, "imports/ledger", {"file": ledger_csv(credit_code(81))}, **{"Idempotency-Key": "ledger-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert LedgerUpload.objects.count() == 1


def test_the_center_exports_the_import_layout_through_the_api(api_as):
    answer = send(api_as("center"), "imports/ledger/export")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    headers = [cell.value for cell in load_workbook(io.BytesIO(answer.content)).worksheets[0][1]]
    assert headers[:2] == ["登记编号", "企业名称"] and "代办团队" in headers


def test_the_generated_messy_xlsx_ledger_is_previewed_row_by_row(api_as):
    """A real workbook (a zip full of NUL bytes) goes through the API's edge; its 500 lines are each accounted for."""
    codes = list(CatalogItem.objects.order_by("code").values_list("code", flat=True)[:2])
    workbook = SimpleUploadedFile("台帐.xlsx", generated.messy_ledger(codes))
    with clock.frozen("2026-06-01"):
        answer = send(api_as("center"), "imports/ledger", {"file": workbook})
    assert answer.status_code == 201, answer.content
    assert answer.json()["counts"] == {"would_import": generated.IMPORTED, "imported": 0,
                                       "skipped": generated.DUPLICATES, "refused": sum(generated.REFUSED.values())}
    assert not LedgerRow.objects.exists()

from __future__ import annotations

from django.core.management import call_command

from daiban.audit.models import AuditEvent
from daiban.org.models import User

ROSTER = ("姓名,手机号码,单位或部门,角色\n"
          "林一,13700000001,鳌江镇投资项目代办服务站,代办员\n"
          "林二,137-0000-0002,发展和改革局,代办联络员\n"
          "林三,13700000003,鳌江镇投资项目代办服务站,县代办中心管理员\n"
          "林四,13700000004,火星镇投资项目代办服务站,代办员\n"
          "林五,12345,鳌江镇投资项目代办服务站,代办员\n")


def test_the_roster_creates_ordinary_staff_with_one_time_passwords_and_never_an_administrator(demo, tmp_path,
                                                                                              capsys):
    roster = tmp_path / "名册.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")
    call_command("import_staff", str(roster))
    out = capsys.readouterr().out
    assert "已创建 2 个账号，未导入 3 行" in out
    assert "不能通过名册授予" in out and "不在本县的组织中" in out and "手机号码应为 11 位" in out
    agent = User.objects.get(username="13700000001")
    assert agent.roles == {"agent"} and agent.password_must_change and agent.mobile == "13700000001"
    assert User.objects.get(username="13700000002").department.name == "发展和改革局"
    assert not User.objects.filter(username="13700000003").exists()
    assert AuditEvent.objects.filter(event_type="import.staff_imported").count() == 2
    call_command("import_staff", str(roster))
    assert "已创建 0 个账号" in capsys.readouterr().out

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from daiban.org.models import AgencyBody, Region

EXAMPLE = settings.BASE_DIR / "docs" / "examples" / "org-cangnan.json"


def test_another_countys_organisation_loads_from_the_documented_file_twice_without_change(db, tmp_path):
    call_command("load_org", "--file", str(EXAMPLE))
    call_command("load_org", "--file", str(EXAMPLE))
    unit = AgencyBody.objects.get(name="灵溪镇投资项目代办服务站")
    assert unit.parent.name == "苍南县投资项目代办服务中心"
    assert unit.parent.authority.code == "cn-spj"
    assert Region.objects.filter(code__startswith="330327").count() == 6
    bad = tmp_path / "bad.json"
    bad.write_text('{"province": "浙江"}', encoding="utf-8")
    with pytest.raises(CommandError, match="组织文件有误"):
        call_command("load_org", "--file", str(bad))

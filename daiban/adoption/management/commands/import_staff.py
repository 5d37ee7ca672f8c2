"""python manage.py import_staff FILE --as SECURITY_ADMIN: accounts for a county's staff roster."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from daiban.adoption.staff import read_roster, staff_row_import
from daiban.org.models import User
from daiban.org.roles import Role


class Command(BaseCommand):
    help = ("导入人员名册（.xlsx 或 .csv：姓名、手机号码、单位或部门、角色，可选用户名、职务）。"
            "以安全保密管理员名义执行；新账号的初始密码只在此显示一次，首次登录须修改。")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", default="", help="安全保密管理员的用户名（默认：第一位）")

    def handle(self, *args, file: str, username: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}")
        admins = User.objects.filter(is_active=True, role_grants__role=Role.SECURITY_ADMIN).order_by("pk")
        actor = admins.filter(username=username).first() if username else admins.first()
        if actor is None:
            raise CommandError("没有可用的安全保密管理员账号（--as 指定的账号须有该角色）")
        try:
            rows = read_roster(path.read_bytes(), path.name)
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        created = 0
        for line, row in rows:
            outcome = staff_row_import(actor=actor, line=line, row=row)
            if outcome.created:
                created += 1
                self.stdout.write(f"{outcome.username}\t初始密码 {outcome.password}")
            else:
                self.stdout.write(f"第 {line} 行 {outcome.username}：未导入。{'；'.join(outcome.errors)}")
        self.stdout.write(self.style.SUCCESS(f"已创建 {created} 个账号，未导入 {len(rows) - created} 行。"))

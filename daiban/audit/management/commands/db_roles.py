from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from daiban.audit.protection import RUNTIME_APPEND_ONLY, RUNTIME_READ_ONLY
from daiban.lib.dbroles import create_role, owner_settings, runtime_grants, use_owner_connection


def runtime_role_name() -> str:
    return settings.DATABASES["default"]["USER"]


def _statements(role: str, *, existing_only: bool) -> list[str]:
    tables = set(connection.introspection.table_names()) if existing_only else None

    def kept(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name for name in names if tables is None or name in tables)

    return runtime_grants(role, append_only=kept(RUNTIME_APPEND_ONLY), read_only=kept(RUNTIME_READ_ONLY))


def grant_runtime_role(role: str) -> list[str]:
    """Grants on the tables that exist now; `migrate` calls it again for the tables it adds."""
    statements = _statements(role, existing_only=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


class Command(BaseCommand):
    help = ("以表的所有者身份（DAIBAN_MIGRATE_DATABASE_URL）创建应用运行时角色（DATABASE_URL 中的用户）并授权："
            "业务表可增删改查，审计事件表只可查询和追加。--print 只输出 SQL，交数据库管理员执行。")

    def add_arguments(self, parser):
        parser.add_argument("--role", help="运行时角色名（默认取 DATABASE_URL 中的用户）")
        parser.add_argument("--print", action="store_true", help="只输出 SQL，不执行")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("数据库角色只用于 PostgreSQL")
        role = options["role"] or runtime_role_name()
        owner = owner_settings()
        if not options["print"] and (owner is None or owner["USER"] == role):
            raise CommandError("请设置 DAIBAN_MIGRATE_DATABASE_URL（表的所有者），且 DATABASE_URL 使用另一个角色")
        password = settings.DATABASES["default"].get("PASSWORD") or None
        database = connection.ops.quote_name(settings.DATABASES["default"]["NAME"])
        statements = [*create_role(role, password), f"GRANT CONNECT ON DATABASE {database} TO {role}"]
        if options["print"]:
            self.stdout.write(";\n".join([*statements, *_statements(role, existing_only=False)]) + ";")
            return
        use_owner_connection()
        statements += _statements(role, existing_only=True)
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as exc:
            raise CommandError(f"授权失败：{exc}（所有者需有 CREATEROLE 权限，或用 --print 交数据库管理员执行）") from None
        self.stdout.write(f"运行时角色 {role} 已就绪：不拥有任何表，审计事件表只可查询和追加")

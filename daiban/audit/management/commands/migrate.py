"""`migrate` as the owner of the tables: with DAIBAN_MIGRATE_DATABASE_URL set, the migrations run
as that role, and the runtime role (DATABASE_URL's user) is granted what the new tables need."""
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connection

from daiban.audit.management.commands.db_roles import grant_runtime_role, runtime_role_name
from daiban.lib.dbroles import owner_settings, use_owner_connection


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        owner = owner_settings()
        runtime_role = runtime_role_name()
        use_owner_connection()
        super().handle(*args, **options)
        if owner is not None and connection.vendor == "postgresql" and runtime_role and runtime_role != owner["USER"]:
            grant_runtime_role(runtime_role)

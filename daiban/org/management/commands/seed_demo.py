"""python manage.py seed_demo --password PW: the demo county, idempotent."""
from importlib import import_module

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from daiban.audit.services import audit_record
from daiban.org.demo import LIAISONS, STAFF, load_demo_people

# Each part of the service adds its demo data after the people exist; order matters.
DEMO_LOADERS = ["daiban.catalog.demo", "daiban.intake.demo", "daiban.policy.demo", "daiban.teams.demo",
               "daiban.closure.demo"]


class Command(BaseCommand):
    help = "载入演示县（平阳县）的组织机构、演示账号和演示案件；可重复执行，不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="所有演示账号的密码（至少 8 位）")

    def handle(self, *args, password: str, **options):
        if len(password) < 8:
            raise CommandError("密码至少 8 位")
        with transaction.atomic():
            load_demo_people(password)
            for dotted in DEMO_LOADERS:
                try:
                    module = import_module(dotted)
                except ModuleNotFoundError as exc:
                    if not dotted.startswith(exc.name or "-"):
                        raise
                    continue
                module.load(password=password)
            audit_record(event_type="system.demo_loaded", new={"accounts": len(STAFF) + len(LIAISONS)})
        self.stdout.write(self.style.SUCCESS("演示县已载入。演示账号（密码均为所给密码）："))
        for username, full_name, title, *_ in STAFF:
            self.stdout.write(f"  {username:<10} {full_name} · {title}")
        self.stdout.write(f"  代办联络员：{', '.join(code for code, _ in LIAISONS)}")

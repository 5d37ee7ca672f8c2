"""python manage.py seed_demo --password PW: the demo county, idempotent. Debug only.

The demo accounts log in with their password alone while DAIBAN_DEBUG is on (daiban.accounts.policy),
so the command refuses to run with debug off: a production database never gets them.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from daiban.assessment.rebuild import statistics_rebuild
from daiban.audit.services import audit_checkpoint, audit_record
from daiban.cases import demo as case_demo
from daiban.catalog import demo as catalog_demo
from daiban.closure import demo as closure_demo
from daiban.coordination import demo as coordination_demo
from daiban.desk import demo as message_demo
from daiban.goodbad import demo as goodbad_demo
from daiban.org.demo import LIAISONS, STAFF, load_demo_people
from daiban.org.models import User
from daiban.plans import demo as plans_demo
from daiban.policy import demo as policy_demo
from daiban.teams import demo as teams_demo

# Each part of the service adds its demo data after the people exist; order matters. Here, on top of the apps,
# so that the command may call each of them.
DEMO_LOADERS = [catalog_demo, case_demo, policy_demo, teams_demo, closure_demo, goodbad_demo, coordination_demo,
                plans_demo]


def seed_demo_county(*, password: str) -> None:
    """Loads (or tops up) the demo county; every account it creates is a demo account with `password`."""
    with transaction.atomic():
        before = set(User.objects.filter(is_demo=False).values_list("pk", flat=True))
        load_demo_people(password)
        for loader in DEMO_LOADERS:
            loader.load(password=password)
        # The loaders write histories dated in the past; the statistics' rollups, kept as rows are written, counted
        # them on the day of loading: counted again from the rows, as after any import.
        statistics_rebuild()
        # The password is the operator's choice, not an initial one to be changed.
        User.objects.exclude(pk__in=before).update(is_demo=True, password_must_change=False,
                                                   password_changed_at=timezone.now())
        audit_record(event_type="system.demo_loaded", new={"accounts": len(STAFF) + len(LIAISONS)})


class Command(BaseCommand):
    help = "载入演示县（平阳县）的组织机构、演示账号和演示案件；可重复执行，不会重复创建。仅限调试模式。"

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="所有演示账号的密码（至少 8 位）")

    def handle(self, *args, password: str, **options):
        if not settings.DEBUG:
            raise CommandError("演示数据只能在调试模式（DAIBAN_DEBUG=1）下载入：演示账号仅凭密码即可登录，不得进入生产环境。")
        if len(password) < 8:
            raise CommandError("密码至少 8 位")
        seed_demo_county(password=password)
        # One example message of every notification rule, for the people who try the demo (not loaded by the
        # test fixture, whose tests count messages): desk/demo.py.
        message_demo.load(password=password)
        # The demo's trail gets its first checkpoint outside the database now, not at the duty's next round
        # (/readyz counts a missing checkpoint as not ready).
        audit_checkpoint()
        self.stdout.write(self.style.SUCCESS("演示县已载入。演示账号（密码均为所给密码；调试模式下无需动态口令）："))
        for username, full_name, title, *_ in STAFF:
            self.stdout.write(f"  {username:<10} {full_name} · {title}")
        self.stdout.write(f"  代办联络员：{', '.join(code for code, _ in LIAISONS)}")

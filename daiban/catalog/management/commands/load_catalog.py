"""python manage.py load_catalog: adds the seed items that are missing; edited items stay as they are."""
from django.core.management.base import BaseCommand, CommandError

from daiban.catalog.seed import load_catalog


class Command(BaseCommand):
    help = "载入初始事项库（28 个事项）：只新增缺少的事项，已有事项（含中心修改过的）保持不变。"

    def handle(self, *args, **options):
        try:
            created = load_catalog()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if created:
            self.stdout.write(self.style.SUCCESS(f"已新增 {len(created)} 个事项：{'、'.join(created)}"))
        else:
            self.stdout.write("事项库已完整，未作修改。")

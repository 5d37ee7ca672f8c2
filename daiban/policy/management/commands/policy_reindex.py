"""python manage.py policy_reindex: rebuilds the search index (after the dictionary or synonyms change)."""
from django.core.management.base import BaseCommand

from daiban.policy.indexing import reindex_all


class Command(BaseCommand):
    help = "重建政策与办事指南的检索索引（修改分词词典或同义词表后执行）。"

    def handle(self, *args, **options):
        count = reindex_all()
        self.stdout.write(self.style.SUCCESS(f"已重建检索索引：{count} 篇文档。"))

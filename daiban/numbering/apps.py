from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "daiban.numbering"
    label = "numbering"
    verbose_name = "编号计数器"

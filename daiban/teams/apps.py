from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "daiban.teams"
    label = "teams"
    verbose_name = "代办队伍管理"

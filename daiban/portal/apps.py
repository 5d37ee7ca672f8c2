from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "daiban.portal"
    label = "portal"
    verbose_name = "企业服务门户"

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "daiban.org"
    label = "org"
    verbose_name = "组织机构与人员"

    def ready(self) -> None:
        # Here rather than at the top of the module: apps.py is imported while the registry is being filled.
        from django.db.models.signals import pre_save

        from daiban.lib.fits import check_fits

        pre_save.connect(check_fits, dispatch_uid="daiban.lib.fits")

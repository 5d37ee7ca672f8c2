from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "daiban.catalog"
    label = "catalog"
    verbose_name = "事项库"

    def ready(self) -> None:
        from daiban.catalog import shape  # it reads the models: loaded once the registry is ready

        shape.connect()

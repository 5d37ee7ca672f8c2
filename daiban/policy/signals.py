"""The catalog belongs to daiban.catalog; its saves re-index the item's guide here, inside the
transaction of the save (catalog_item_update, the admin, load_catalog), so the search never shows a
guide older than the catalog. A consultation logged in intake links the guides it mentions, in its
transaction too."""
from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from daiban.catalog.models import CatalogItem
from daiban.intake.signals import consultation_logged
from daiban.org.models import Department
from daiban.policy.indexing import index_guide
from daiban.policy.services import consultation_guides_link


@receiver(post_save, sender=CatalogItem, dispatch_uid="policy_index_guide")
def _catalog_item_saved(sender, instance: CatalogItem, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the index is rebuilt with `manage.py policy_reindex`
        return
    index_guide(instance)


@receiver(post_save, sender=Department, dispatch_uid="policy_index_department_guides")
def _department_saved(sender, instance: Department, raw: bool = False, **kwargs) -> None:
    """A guide names its department."""
    if raw:
        return
    for item in CatalogItem.objects.filter(department=instance).select_related("department"):
        index_guide(item)


@receiver(consultation_logged, dispatch_uid="policy_consultation_guides")
def _consultation_logged(sender, *, consultation, actor, **kwargs) -> None:
    consultation_guides_link(actor=actor, consultation=consultation)

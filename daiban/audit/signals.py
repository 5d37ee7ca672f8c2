"""Changes made in the Django admin (reference data) join the audit chain."""
from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from daiban.audit.services import audit_record

_ACTIONS = {1: "新增", 2: "修改", 3: "删除"}


@receiver(post_save, sender=LogEntry)
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    audit_record(
        event_type="admin.reference_changed",
        actor=instance.user,
        actor_name=instance.user.username,
        new={"action": _ACTIONS.get(instance.action_flag, str(instance.action_flag)),
             "model": instance.content_type.model if instance.content_type else "",
             "object_id": instance.object_id, "object": instance.object_repr,
             "change": instance.get_change_message()},
    )

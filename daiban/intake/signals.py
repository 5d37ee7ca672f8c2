"""What intake announces to the layers above it, in the transaction of the change (Django signals sent
synchronously, so a receiver's writes commit or roll back with it)."""
from __future__ import annotations

from django.dispatch import Signal

# A consultation was logged (intake.services.consultation_log); kwargs: consultation, actor.
consultation_logged = Signal()

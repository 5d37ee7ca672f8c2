"""What closure announces to the layers above it, in the transaction of the change (Django signals sent
synchronously, so a receiver's writes commit or roll back with it)."""
from __future__ import annotations

from django.dispatch import Signal

# An owner's evaluation (OwnerEvaluation) or item evaluation (ItemEvaluation) was given;
# kwargs: evaluation, actor (None through the one-time link).
evaluation_given = Signal()

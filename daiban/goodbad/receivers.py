"""Every owner's evaluation is reported to the provincial 好差评 system; every 差评 opens its loop — in the
transaction of the evaluation (closure.signals.evaluation_given). Every write to what the 好差评 figures count
advances their version once it commits (goodbad.stats, "kept")."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from daiban.closure.models import ItemEvaluation, OwnerEvaluation
from daiban.closure.signals import evaluation_given
from daiban.goodbad import export
from daiban.goodbad.models import BadReview
from daiban.goodbad.services import bad_review_open
from daiban.goodbad.stats import figures_advance
from daiban.org.models import AgencyBody, Department, User

# What the figures count, and whose names they show.
COUNTED = (OwnerEvaluation, ItemEvaluation, BadReview, AgencyBody, Department)
NAMED_BY = frozenset({"full_name", "username"})  # the fields of a user the figures show (stats._display_name)


@receiver(evaluation_given, dispatch_uid="goodbad-evaluation-given")
def on_evaluation_given(sender, *, evaluation, actor, **kwargs) -> None:
    export.evaluation_enqueue(evaluation)
    bad_review_open(evaluation=evaluation, actor=actor)


def _counted_changed(sender, **kwargs) -> None:
    figures_advance()


for model in COUNTED:
    post_save.connect(_counted_changed, sender=model, dispatch_uid=f"goodbad-figures-save-{model.__name__}")
    post_delete.connect(_counted_changed, sender=model, dispatch_uid=f"goodbad-figures-delete-{model.__name__}")


@receiver(post_save, sender=User, dispatch_uid="goodbad-figures-user")
def on_user_saved(sender, *, update_fields=None, **kwargs) -> None:
    """A user saved whole, or with a name, may be an agent the figures name (a login saves last_login alone)."""
    if update_fields is None or NAMED_BY & set(update_fields):
        figures_advance()

"""Every owner's evaluation is reported to the provincial 好差评 system; every 差评 opens its loop — in the
transaction of the evaluation (closure.signals.evaluation_given)."""
from __future__ import annotations

from django.dispatch import receiver

from daiban.closure.signals import evaluation_given
from daiban.goodbad import export
from daiban.goodbad.services import bad_review_open


@receiver(evaluation_given, dispatch_uid="goodbad-evaluation-given")
def on_evaluation_given(sender, *, evaluation, actor, **kwargs) -> None:
    export.evaluation_enqueue(evaluation)
    bad_review_open(evaluation=evaluation, actor=actor)

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "daiban.plans"
    label = "plans"
    verbose_name = "代办计划与实施"

    def ready(self) -> None:
        # Modules that read the models load once the registry is ready; panels and hooks register on import.
        from daiban.cases.paperwork import paper_register
        from daiban.plans import panels, recompute, rollup_hooks  # noqa: F401

        # The plan's form is issued again with the case's other forms when their data change (by its path:
        # the charts it draws are loaded only then).
        paper_register("plan", "daiban.plans.paperwork.plan_paper")

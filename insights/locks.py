"""Row locks of insights (select_for_update lives here only). A replenishment plan is locked
alone while it is accepted: the purchase orders it makes lock nothing, so it sits outside the
project's lock order (docs/architecture.md, "The lock order")."""

from .models import ReplenishmentPlan


def lock_replenishment_plan(plan_id: int) -> ReplenishmentPlan:
    """Lock one replenishment plan (its warehouse selected, not locked)."""
    return (
        ReplenishmentPlan.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .get(pk=plan_id)
    )

"""The "Merchant staff" group: the model permissions a merchant's staff need in admin.

Which rows they see is decided by accounts/admin_scoping.py; this only says which models and
actions. The group is defined here, in code: syncing it makes its permissions exactly these.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

MERCHANT_STAFF_GROUP = "Merchant staff"

MERCHANT_STAFF_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "catalog.product": ("view", "add", "change", "delete"),
    "catalog.productvariant": ("view", "add", "change", "delete"),
    "catalog.productimage": ("view", "add", "change", "delete"),
    "catalog.review": ("view", "change"),
    "catalog.category": ("view",),
    "catalog.brand": ("view",),
    "logistics.stock": ("view", "add", "change"),
    "logistics.warehouse": ("view",),
    "logistics.allocation": ("view",),  # why stock is allocated (read-only, on the stock page)
    "logistics.stockmovement": ("view",),  # the stock's history (read-only)
    "logistics.shippingmethod": ("view",),
    # Shipments of their lines: handled through the shipment admin's buttons (orders.fulfilment),
    # never edited.
    "logistics.shipment": ("view",),
    "logistics.shipmentline": ("view",),
    "logistics.shipmentevent": ("view",),
    "logistics.carrier": ("view",),
    # Orders are moved along through admin actions that call orders.services, not by editing.
    "orders.order": ("view",),
    "orders.orderline": ("view",),
    "orders.orderevent": ("view",),  # the history of the orders holding their lines
    # Search: the report of what shoppers search for. (The ranking blend is shop-wide: the
    # operator's.)
    "search.searchquerylog": ("view",),
    # Support: the conversations handed to their merchant (read, answered and closed, never
    # edited: "change" is the permission to answer) and their merchant's FAQ. Training examples
    # teach the shop-wide classifier: the operator's.
    "support.conversation": ("view", "change"),
    "support.faqentry": ("view", "add", "change", "delete"),
    # Insights: the computations run for their merchant (segments, replenishment plans ...).
    "insights.insightjob": ("view",),
    # Replenishment (insights/replenishment): their variants' supply terms, the purchase orders
    # their plans make (moved by admin actions: "change"), and the plans themselves.
    "logistics.supplyterms": ("view", "add", "change", "delete"),
    "logistics.purchaseorder": ("view", "change"),
    "logistics.purchaseorderline": ("view",),
    "logistics.purchaseorderevent": ("view",),
    "insights.replenishmentplan": ("view", "add", "change"),
    "insights.replenishmentline": ("view",),
    # Insights, customers and segments (seg): their customers' profiles and segment tables,
    # computed by insights.segments, read and exported, never edited.
    "insights.customerprofile": ("view",),
    "insights.segmentsnapshot": ("view",),
    # Insights, funnel: the events of sessions on their products (read-only; the funnel page).
    "insights.shopperevent": ("view",),
}


@transaction.atomic
def merchant_staff_group_sync() -> Group:
    """Create the group if needed and set its permissions to MERCHANT_STAFF_PERMISSIONS.

    Idempotent. Permissions missing from the database (e.g. before post_migrate has run) are
    created, so it also works right after a fresh migrate.
    """
    group, _ = Group.objects.get_or_create(name=MERCHANT_STAFF_GROUP)
    permissions = []
    for label, actions in MERCHANT_STAFF_PERMISSIONS.items():
        opts = apps.get_model(label)._meta
        content_type = ContentType.objects.get_for_model(opts.model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=get_permission_codename(action, opts),
                defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
            )
            permissions.append(permission)
    group.permissions.set(permissions)
    return group


def grant_merchant_staff_permissions(user) -> None:
    """Put the user in the (synced) "Merchant staff" group. Idempotent."""
    user.groups.add(merchant_staff_group_sync())
    # ModelBackend caches permissions on the instance; drop them so the new ones count at once.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def merchant_acting_for(actor) -> int | None:
    """The merchant a staff user acts for; None for the operator (a superuser) or the system."""
    if getattr(actor, "is_staff", False) and not getattr(actor, "is_superuser", False):
        return getattr(actor, "merchant_id", None)
    return None

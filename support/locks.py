"""Row locks of the support app (docs/architecture.md, "The lock order": a conversation is
locked before any order, payment or shipment the assistant acts on)."""

from __future__ import annotations

from .models import ClassifierVersion, Conversation


def lock_conversation(pk: int) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=pk)


def lock_live_classifiers() -> list[ClassifierVersion]:
    """The live classifier version (at most one), locked while another goes live."""
    return list(ClassifierVersion.objects.select_for_update().filter(is_live=True).order_by("pk"))

"""The admin index's support block (templates/admin/index.html): how many conversations wait
for the viewer's staff."""

from django import template

from accounts.admin_scoping import scope_to_merchant

from .. import selectors
from ..models import Conversation

register = template.Library()


@register.inclusion_tag("admin/support/_waiting.html", takes_context=True)
def support_waiting_block(context) -> dict:
    request = context["request"]
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("support.view_conversation")):
        return {"shown": False}
    queryset = scope_to_merchant(Conversation.objects.all(), user, "merchant")
    return {"shown": True, "count": selectors.waiting_count(queryset)}

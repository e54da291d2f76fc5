"""What support does when other apps' signals arrive. Connected once, in apps.py."""

from __future__ import annotations

from .chat_session import STARTED_KEY
from .services import conversation_claim


def claim_visitor_conversations(sender, request, user, **kwargs) -> None:
    """A shopper signs in: the conversations this browser had as a visitor become theirs.
    login() has cycled the session key by now; the key the conversations were started under is
    kept in the session's data (support.chat_session), which the visitor cannot forge."""
    if request is None or not hasattr(request, "session"):
        return
    key = request.session.get(STARTED_KEY)
    if key:
        conversation_claim(user=user, session_key=key)

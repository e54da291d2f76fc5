"""The chat widget's endpoints and the account pages of a shopper's conversations. Thin: they
parse, call support.services / support.selectors, and answer."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.lockout import client_ip
from common.errors import DomainError

from . import chat_session, selectors, services
from .errors import ChatError
from .limits import chat_rate_take
from .models import Conversation, Message, MessageSender

log = logging.getLogger(__name__)


def _error(code: str, message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _conversation_data(conversation: Conversation | None) -> dict | None:
    if conversation is None:
        return None
    return {
        "token": conversation.token,
        "status": conversation.status,
        "language": conversation.language,
    }


def _message_data(message: Message) -> dict:
    data = {
        "id": message.pk,
        "sender": message.sender,
        "text": message.text,
        "payload": message.payload or {},
        "created_at": message.created_at.isoformat(),
    }
    if message.sender == MessageSender.STAFF:
        # First name only: shoppers see who answers, never a staff member's full name or email.
        first_name = message.author.first_name if message.author_id else ""
        data["author_name"] = first_name or _("Our team")
    return data


def _current(request: HttpRequest) -> Conversation | None:
    return selectors.conversation_for_browser(
        user=request.user,
        session_key=request.session.session_key or "",
        token=request.session.get(chat_session.CHOSEN, ""),
    )


def _parse_after(value: str | None) -> int | None:
    if value in (None, ""):
        return 0
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def _language() -> str:
    return "zh-hans" if (get_language() or "").lower().startswith("zh") else "en"


def _payload(request: HttpRequest) -> dict | None:
    """The posted fields, from a JSON body or a form; None when the body cannot be read."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None
    return {"text": request.POST.get("text", ""), "page_product": request.POST.get("page_product")}


def _product_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value) or None
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def chat(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _chat_post(request)
    after = _parse_after(request.GET.get("after"))
    if after is None:
        return _error("bad_after", _("The 'after' parameter must be a message number."), 400)
    conversation = _current(request)
    messages = (
        selectors.chat_messages(conversation=conversation, after=after) if conversation else []
    )
    return JsonResponse(
        {
            "conversation": _conversation_data(conversation),
            "messages": [_message_data(m) for m in messages],
            "poll_seconds": settings.SUPPORT_POLL_SECONDS,
            "idle_poll_seconds": settings.SUPPORT_POLL_IDLE_SECONDS,
            # The widget sends it back in X-CSRFToken: the pages it sits on carry no token
            # (a cached anonymous page must set no cookie).
            "csrf_token": get_token(request),
        }
    )


def _chat_post(request: HttpRequest) -> HttpResponse:
    data = _payload(request)
    if data is None:
        return _error("bad_request", _("The message could not be read. Please try again."), 400)
    text = data.get("text", "")
    if not isinstance(text, str):
        return _error("bad_request", _("The message could not be read. Please try again."), 400)
    session = request.session
    if not session.session_key:
        # A visitor's first message starts their session, so the conversation has a key to be
        # found by on the next page.
        session.save()
    address = client_ip(request)
    retry_after = chat_rate_take(session_key=session.session_key, client_ip=address)
    if retry_after:
        return _error(
            "rate_limited",
            _(
                "You are sending messages faster than we can read them. "
                "Please wait %(seconds)d seconds and try again."
            )
            % {"seconds": retry_after},
            429,
            Retry_After=str(retry_after),
        )
    try:
        text = services.message_check(text=text)
        conversation = _current(request)
        if conversation is None:
            conversation = services.conversation_start(
                user=request.user,
                session_key=session.session_key,
                language=_language(),
                client_ip=address or None,
            )
            session.setdefault(chat_session.STARTED_KEY, session.session_key)
        conversation = services.conversation_page_set(
            conversation=conversation, product_id=_product_id(data.get("page_product"))
        )
        new = services.message_post(
            conversation=conversation, text=text, user=request.user, client_ip=address or None
        )
    except ChatError as error:
        return _error("invalid_message", str(error), 400)
    except DomainError as error:
        return _error("refused", str(error), 400)
    session.pop(chat_session.CHOSEN, None)
    conversation.refresh_from_db(fields=["status", "language"])
    return JsonResponse(
        {
            "conversation": _conversation_data(conversation),
            "messages": [_message_data(m) for m in new],
            "poll_seconds": settings.SUPPORT_POLL_SECONDS,
        }
    )


# -- the account pages


@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    conversations = selectors.conversations_of(user=request.user)
    return render(
        request,
        "support/conversation_list.html",
        {"conversations": conversations, "section": "support"},
    )


@login_required
def conversation_detail(request: HttpRequest, token: str) -> HttpResponse:
    conversation = selectors.conversation_of(user=request.user, token=token)
    if conversation is None:
        raise Http404("No such conversation.")
    messages = selectors.conversation_messages(conversation=conversation)
    return render(
        request,
        "support/conversation_detail.html",
        {"conversation": conversation, "chat_messages": messages, "section": "support"},
    )


@login_required
@require_POST
def conversation_continue(request: HttpRequest, token: str) -> HttpResponse:
    """Open this conversation in the widget (the next message goes on in it)."""
    conversation = selectors.conversation_of(user=request.user, token=token)
    if conversation is None:
        raise Http404("No such conversation.")
    request.session[chat_session.CHOSEN] = conversation.token
    return redirect(f"{conversation_url(conversation)}?chat=open")


def conversation_url(conversation: Conversation) -> str:
    return reverse("support:conversation", args=[conversation.token])

"""The support inbox in Django admin, the FAQ and the assistant's training examples.

The inbox is scoped like the rest of the merchant admin (accounts/admin_scoping.py): a merchant's
staff see the conversations handed to their merchant (the merchant of the order a conversation
is about); operators (superusers) see every conversation, those for no merchant included, and
filter by merchant. A conversation is read, answered (support.services.staff_reply) and closed
(support.services.conversation_close) here, never edited. Training examples change the
classifier of the whole shop, so only operators edit them; FAQ entries belong to a merchant (or,
for operators, to the whole shop). Saving or deleting either queues a retraining.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import MerchantScopedAdmin, SuperuserOnlyAdmin
from common.errors import DomainError

from . import selectors, services, tasks
from .models import Conversation, ConversationStatus, FaqEntry, MessageSender, TrainingExample

STAFF_REPLY_MAX_CHARS = 4000


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=STAFF_REPLY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("The shopper sees it in the chat at once, signed with your first name."),
    )


@admin.register(Conversation)
class ConversationAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "merchant"
    list_display = (
        "conversation",
        "status",
        "shopper",
        "order",
        "merchant",
        "last_message",
        "waiting",
    )
    list_display_links = ("conversation",)
    list_filter = ("status", "merchant", "language")
    list_select_related = ("user", "order", "merchant")
    search_fields = ("token", "order__number", "user__email")
    fieldsets = (
        (None, {"fields": ("status", "shopper", "language", "order", "merchant")}),
        (
            _("Hand-over"),
            {"fields": ("handed_over_at", "why_handed_over", "created_at", "last_message_at")},
        ),
    )
    readonly_fields = (
        "status",
        "shopper",
        "language",
        "order",
        "merchant",
        "handed_over_at",
        "why_handed_over",
        "created_at",
        "last_message_at",
    )
    actions = ("close_conversations",)
    change_form_template = "admin/support/conversation/change_form.html"

    class Media:
        css = {"all": ("css/admin_support.css",)}

    # -- what staff may do: look, answer, close; never add, edit or delete

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_reply_permission(self, request, obj=None) -> bool:
        """Answering and closing: staff with the conversation's change permission, within their
        merchant's conversations (the queryset decides which)."""
        return self._in_scope(request) and request.user.has_perm("support.change_conversation")

    def get_queryset(self, request):
        # ModelAdmin.get_queryset orders by get_ordering(), which sorts on the inbox's
        # annotations: annotate first, then order, then scope to the viewer's merchant.
        queryset = selectors.inbox_queryset(self.model._default_manager.get_queryset())
        return self.scope(request, queryset.order_by(*self.get_ordering(request)))

    def get_ordering(self, request):
        # Waiting first, the longest-waiting on top; then the most recent.
        return ["-awaiting", F("handed_over_at").asc(nulls_last=True), "-last_message_at"]

    # -- columns

    @admin.display(description=_("conversation"), ordering="pk")
    def conversation(self, obj: Conversation) -> str:
        return str(obj)

    @admin.display(description=_("shopper"), ordering="user__email")
    def shopper(self, obj: Conversation) -> str:
        if obj.user_id:
            return obj.user.email
        return gettext("Visitor")

    @admin.display(description=_("why handed over"))
    def why_handed_over(self, obj: Conversation) -> str:
        reasons = {
            "not_understood": gettext("The assistant did not understand two messages in a row."),
            "asked": gettext("The shopper asked for a person."),
            "assistant_error": gettext("The assistant failed while answering; see the log."),
        }
        return reasons.get(obj.handoff_reason, obj.handoff_reason) or "—"

    @admin.display(description=_("last message"))
    def last_message(self, obj: Conversation) -> str:
        text = getattr(obj, "last_text", None) or ""
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description=_("waiting for"))
    def waiting(self, obj: Conversation) -> str:
        if not getattr(obj, "awaiting", 0):
            return "—"
        since = obj.handed_over_at if obj.status == ConversationStatus.WAITING else None
        return timesince(since or obj.last_message_at, timezone.now())

    # -- the inbox's title says how many wait

    def changelist_view(self, request, extra_context=None):
        count = selectors.waiting_count(self.get_queryset(request))
        title = gettext("Support inbox")
        if count:
            title = ngettext(
                "Support inbox: %(count)d conversation waiting",
                "Support inbox: %(count)d conversations waiting",
                count,
            ) % {"count": count}
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    # -- the conversation's page: its messages, a reply box, a close button

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="{}_{}_reply".format(*info),
            ),
            path(
                "<path:object_id>/messages/",
                self.admin_site.admin_view(self.messages_view),
                name="{}_{}_messages".format(*info),
            ),
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="{}_{}_close".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, conversation: Conversation) -> str:
        return reverse(
            f"{self.admin_site.name}:support_conversation_change", args=[conversation.pk]
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            rows = list(selectors.conversation_messages(conversation=obj))
            can_reply = self.has_reply_permission(request, obj)
            context.update(
                {
                    "chat_messages": rows,
                    "last_message_id": rows[-1].pk if rows else 0,
                    "can_reply": can_reply,
                    "reply_form": ReplyForm() if can_reply else None,
                    "reply_url": reverse(
                        f"{self.admin_site.name}:support_conversation_reply", args=[obj.pk]
                    ),
                    "messages_url": reverse(
                        f"{self.admin_site.name}:support_conversation_messages", args=[obj.pk]
                    ),
                    "close_url": reverse(
                        f"{self.admin_site.name}:support_conversation_close", args=[obj.pk]
                    ),
                    "is_closed": obj.status == ConversationStatus.CLOSED,
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def messages_view(self, request, object_id: str):
        """GET ?after=<id>: the conversation's newer messages as JSON, for the open page to show
        what the shopper writes meanwhile (static/js/admin_support_inbox.js). Same scope as the
        page: 404 outside it."""
        conversation = self.get_object(request, unquote(object_id))
        if conversation is None or not self.has_view_permission(request, conversation):
            raise Http404
        try:
            after = max(int(request.GET.get("after", "0")), 0)
        except ValueError:
            return JsonResponse(
                {"error": {"code": "bad_after", "message": gettext("Not a message id.")}},
                status=400,
            )
        rows = selectors.conversation_messages(conversation=conversation, after=after)
        return JsonResponse(
            {
                "status": conversation.get_status_display(),
                "messages": [
                    {
                        "id": message.pk,
                        "sender": message.sender,
                        "who": (
                            (message.author.get_full_name() or message.author.email)
                            if message.sender == MessageSender.STAFF and message.author
                            else str(message.get_sender_display()).capitalize()
                        ),
                        "when": formats.date_format(
                            timezone.localtime(message.created_at), "DATETIME_FORMAT"
                        ),
                        "text": message.text,
                        "intent": message.intent,
                    }
                    for message in rows
                ],
            }
        )

    def _conversation_for_reply(self, request, object_id: str) -> Conversation:
        conversation = self.get_object(request, unquote(object_id))  # 404 outside the scope
        if not self.has_reply_permission(request, conversation):
            raise PermissionDenied
        return conversation

    def reply_view(self, request, object_id: str):
        """POST: send the reply to the shopper (support.services.staff_reply)."""
        conversation = self._conversation_for_reply(request, object_id)
        change_url = self._change_url(conversation)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        form = ReplyForm(request.POST)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("Your reply was not sent"),
                "form": form,
                "back_url": change_url,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(
                request, "admin/support/conversation/reply_error.html", context, status=400
            )
        try:
            services.staff_reply(
                conversation=conversation, staff=request.user, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("Your reply has been sent to the shopper."))
        return HttpResponseRedirect(change_url)

    def close_view(self, request, object_id: str):
        conversation = self._conversation_for_reply(request, object_id)
        """POST: close it (support.services.conversation_close); the shopper's next message goes
        to the assistant again."""
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(conversation))
        try:
            services.conversation_close(conversation=conversation, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("The conversation is closed."))
        return HttpResponseRedirect(self._change_url(conversation))

    @admin.action(description=_("Close the selected conversations"), permissions=["reply"])
    def close_conversations(self, request, queryset):
        closed = 0
        for conversation in queryset:
            try:
                services.conversation_close(conversation=conversation, actor=request.user)
            except DomainError as error:
                messages.error(request, f"{conversation}: {error}")
            else:
                closed += 1
        if closed:
            messages.success(
                request,
                ngettext(
                    "%(count)d conversation closed.", "%(count)d conversations closed.", closed
                )
                % {"count": closed},
            )


class RetrainOnSaveAdmin:
    """Saving or deleting a row changes what the assistant learns from: retrain after commit."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tasks.queue_training()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        tasks.queue_training()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        tasks.queue_training()


@admin.register(FaqEntry)
class FaqEntryAdmin(RetrainOnSaveAdmin, MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "merchant"
    list_display = ("question", "language", "merchant", "active", "updated_at")
    list_filter = ("language", "active", "merchant")
    search_fields = ("question", "variants", "answer")
    fields = ("merchant", "language", "question", "variants", "answer", "active")


@admin.register(TrainingExample)
class TrainingExampleAdmin(RetrainOnSaveAdmin, SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("text", "intent", "language", "source", "active", "updated_at")
    list_filter = ("intent", "language", "source", "active")
    search_fields = ("text",)
    fields = ("text", "intent", "language", "source", "active")

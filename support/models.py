"""The support assistant's tables: conversations and their messages, the staff hand-over, the
FAQ, the intent classifier's training examples and its trained versions."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import Event, TimeStampedModel

from .nlu.intents import INTENTS

LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
INTENT_CHOICES = [(intent, intent) for intent in INTENTS]


def new_conversation_token() -> str:
    return secrets.token_urlsafe(18)


class ConversationStatus(models.TextChoices):
    BOT = "bot", _("with the assistant")
    WAITING = "waiting", _("waiting for staff")
    STAFF = "staff", _("answered by staff")
    CLOSED = "closed", _("closed")


class Conversation(TimeStampedModel):
    """One shopper's chat. Found by the browser's session (and, once signed in, by its user);
    `token` is the only id the widget ever sees. `state` is the dialogue state (the slot being
    asked, the action awaiting confirmation, the guest orders proven by number and email), saved
    after every turn so a reload loses nothing."""

    token = models.CharField(_("token"), max_length=32, unique=True, default=new_conversation_token)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_conversations",
        verbose_name=_("shopper"),
    )
    session_key = models.CharField(_("session key"), max_length=40, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConversationStatus.choices,
        default=ConversationStatus.BOT,
        db_index=True,
    )
    # Whose staff inbox it is in once handed over (the merchant of the order it concerns; none:
    # the shop's operators).
    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_conversations",
        verbose_name=_("merchant"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_conversations",
        verbose_name=_("about order"),
    )
    state = models.JSONField(_("state"), default=dict, blank=True)
    # Turns in a row the assistant did not understand; two hand the conversation over.
    not_understood = models.PositiveSmallIntegerField(_("turns not understood"), default=0)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handoff_reason = models.CharField(_("why handed over"), max_length=200, blank=True)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class MessageSender(models.TextChoices):
    SHOPPER = "shopper", _("shopper")
    BOT = "bot", _("assistant")
    STAFF = "staff", _("staff")
    SYSTEM = "system", _("system")


class Message(models.Model):
    """One message. `payload` carries what the widget draws besides the text: product cards,
    a tracking timeline, choices to click, the FAQ entry cited. Text is stored as written and
    escaped wherever it is shown."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    sender = models.CharField(_("from"), max_length=8, choices=MessageSender.choices)
    text = models.TextField(_("text"))
    payload = models.JSONField(default=dict, blank=True)
    intent = models.CharField(_("intent"), max_length=24, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member"),
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["conversation", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ConversationEventType(models.TextChoices):
    STARTED = "started", _("started")
    HANDED_OVER = "handed_over", _("handed over to staff")
    STAFF_REPLIED = "staff_replied", _("staff replied")
    BACK_TO_BOT = "back_to_bot", _("back with the assistant")
    CLOSED = "closed", _("closed")


class ConversationEvent(Event):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=24, choices=ConversationEventType.choices)

    class Meta:
        verbose_name = _("conversation event")
        verbose_name_plural = _("conversation events")
        ordering = ["conversation", "id"]


class FaqEntry(TimeStampedModel):
    """A question the shop answers the same way every time, in one language. `variants` holds
    other ways shoppers ask it, one per line; retrieval ranks an entry by all of them."""

    merchant = models.ForeignKey(
        "accounts.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="faq_entries",
        verbose_name=_("merchant"),
        help_text=_("Empty: an answer for the whole shop."),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    question = models.CharField(_("question"), max_length=300)
    variants = models.TextField(
        _("other ways to ask"), blank=True, help_text=_("One question per line.")
    )
    answer = models.TextField(_("answer"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["language", "question"]

    def __str__(self) -> str:
        return self.question

    def questions(self) -> list[str]:
        return [self.question] + [
            line.strip() for line in self.variants.splitlines() if line.strip()
        ]


class ExampleSource(models.TextChoices):
    SHIPPED = "shipped", _("shipped with the shop")
    STAFF = "staff", _("added by staff")


class TrainingExample(TimeStampedModel):
    """A sentence a shopper might write, labelled with what they want. The classifier is trained
    from the active rows."""

    text = models.CharField(_("text"), max_length=300)
    intent = models.CharField(_("intent"), max_length=24, choices=INTENT_CHOICES)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    source = models.CharField(
        _("source"), max_length=8, choices=ExampleSource.choices, default=ExampleSource.STAFF
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")
        ordering = ["intent", "language", "text"]
        constraints = [
            models.UniqueConstraint(fields=["text", "language"], name="support_example_unique")
        ]

    def __str__(self) -> str:
        return self.text


class ClassifierVersion(TimeStampedModel):
    """One training run of the intent classifier: the fitted model (serialised), what it was
    trained on and how it scored. The newest finished version serves."""

    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("training time (s)"), null=True, blank=True)
    examples = models.PositiveIntegerField(_("examples"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    model = models.BinaryField(_("fitted model"), editable=False)
    is_live = models.BooleanField(_("live"), default=False, db_index=True)

    class Meta:
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"],
                condition=models.Q(is_live=True),
                name="support_one_live_classifier",
            )
        ]

    def __str__(self) -> str:
        return f"v{self.pk}"

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer given to a request sent with an `Idempotency-Key` header
    (api/idempotency.py): a retry with the same key, by the same user, to the same operation
    gets this answer again instead of doing the work twice. Only answers that did the work are
    kept (2xx); a refused request leaves no row, so it can be retried once fixed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    # The operation: its URL name and arguments, e.g. "api:order-place" or "...:ABC123".
    scope = models.CharField(_("operation"), max_length=200)
    # SHA-256 of the request's method, path and canonical JSON body: the same key sent with
    # another request is refused rather than answered with the first one's result.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(encoder=DjangoJSONEncoder, null=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="api_idempotency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"

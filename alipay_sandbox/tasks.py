"""The sandbox's asynchronous notification, delivered by the worker the way Alipay does: POST the
signed form to notify_url, and try again later until the shop answers "success"."""

import logging
import urllib.error
import urllib.parse
import urllib.request

from celery import shared_task

logger = logging.getLogger(__name__)

NOTIFY_TIMEOUT_SECONDS = 5


class NotifyDeliveryError(Exception):
    """The shop did not answer the notification with "success"."""


@shared_task(
    name="alipay_sandbox.deliver_notification",
    ignore_result=True,
    autoretry_for=(NotifyDeliveryError,),
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_notification(notify_url: str, params: dict[str, str]) -> None:
    body = urllib.parse.urlencode(params).encode("utf-8")
    request = urllib.request.Request(
        notify_url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=NOTIFY_TIMEOUT_SECONDS) as response:
            answer = response.read(64).decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError) as exc:
        raise NotifyDeliveryError(f"{params.get('out_trade_no')}: {exc}") from exc
    if answer != "success":
        raise NotifyDeliveryError(f"{params.get('out_trade_no')}: shop answered {answer[:20]!r}")
    logger.info("alipay sandbox: notified %s for %s", notify_url, params.get("out_trade_no"))

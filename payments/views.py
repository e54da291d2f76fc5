import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import payment_handle_notification

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def alipay_notify(request):
    """Alipay's asynchronous notification. The answer is protocol, not text for people: "success"
    stops Alipay's retries, anything else makes it try again later, so errors answer "failure"."""
    try:
        ok = payment_handle_notification(params=request.POST.dict())
    except Exception:
        logger.exception("alipay notify failed")
        ok = False
    return HttpResponse("success" if ok else "failure", content_type="text/plain")

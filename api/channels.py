"""The channel an API client says it is, in its X-Client-Channel header: app, mini_program or
partner (the storefront's pages are "web"). Placing an order refuses an unknown value
(api.v1.orders.views.client_channel); what is merely recorded (a product looked at, a cart
addition, for the funnel) takes an unknown or missing value as "app"."""

from orders.models import OrderChannel

CHANNEL_HEADER = "X-Client-Channel"
# What a client of the API may say it is.
API_CHANNELS = (OrderChannel.APP, OrderChannel.MINI_PROGRAM, OrderChannel.PARTNER)


def reported_channel(request) -> str:
    value = request.headers.get(CHANNEL_HEADER, "").strip()
    return value if value in API_CHANNELS else OrderChannel.APP.value

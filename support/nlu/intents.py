"""The assistant's intents (labels exactly as the training and test files use them)."""

INTENTS = (
    "greeting",
    "goodbye",
    "order_status",
    "track_shipment",
    "cancel_order",
    "refund_request",
    "change_address",
    "payment_issue",
    "shipping_info",
    "product_search",
    "product_question",
    "recommendation",
    "account_help",
    "human_handoff",
    "out_of_scope",
)

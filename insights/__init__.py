"""Merchant insights: the staff dashboard, customers and segments, the shopping funnel,
replenishment planning and reports. Reads every app below it; writes only its own tables (and
the purchase orders it accepts, through logistics' services)."""

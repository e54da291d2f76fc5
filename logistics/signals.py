"""Domain signals of logistics, for the apps above it that it must not import (orders moves an
order when its shipments move). Sent after the transaction commits."""

from django.dispatch import Signal

# Sent with shipment_id, order_id, status and previous (the status before) once a change of a
# shipment's status has been committed (services.shipments.shipment_status_move).
shipment_status_changed = Signal()

"""Customers, RFM segments and lifetime value.

`rfm` (scores and the named segments), `lifetime` (BG/NBD + Gamma-Gamma) and `purchase_log`
(reading an external CSV purchase log) import no Django; `selectors` reads the shop's orders and
`services` writes the profiles and snapshots."""

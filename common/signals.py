"""Signals shared by apps on the same floor, which may not import each other.

`storefront_content_changed`: something every storefront page shows besides the catalog changed
(the footer's list of the shop's own pages). Sent by `pages.services`; `catalog` answers by
moving the catalog version on, so the pages and frames kept under it are rendered again.
"""

from django.dispatch import Signal

storefront_content_changed = Signal()

"""Writing the Elasticsearch index: product documents in bulk, and a full rebuild into a new
index swapped in behind the alias without downtime."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from elasticsearch import NotFoundError
from elasticsearch.helpers import bulk

from ..base import (
    SearchBackendUnavailable,
)
from .queries import BULK_CHUNK

logger = logging.getLogger(__name__)


class IndexingMixin:
    """Writing the index (part of ElasticsearchBackend)."""

    def ensure_index(self) -> None:
        """Create the index behind its alias if neither exists yet, so the first writes never
        meet an index Elasticsearch would create with guessed mappings."""
        with self._unavailable_on_error():
            if self.client.indices.exists(index=self.index):
                return
            self._create_index(self._timestamped_name(), alias=self.index)

    def index_products(self, product_ids: Iterable[int]) -> None:
        ids = sorted({int(i) for i in product_ids})
        if not ids:
            return
        self.ensure_index()
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start : start + BULK_CHUNK]
            self._bulk(self.index, self._actions(self.index, chunk))
        cache.delete(self._max_popularity_key())

    def rebuild(self) -> int:
        """Build a new timestamped index, load every active product, then move the alias to it
        in one atomic step and drop the old index; searches see the old index until the move."""
        from search.documents import ProductDocument

        alias = self.index
        new_index = self._timestamped_name()
        document = ProductDocument()
        with self._unavailable_on_error():
            self._create_index(new_index)
            count = 0
            batch: list[dict[str, Any]] = []
            for product in document.get_indexing_queryset():
                batch.append(self._index_action(new_index, document, product))
                if len(batch) >= BULK_CHUNK:
                    self._bulk(new_index, batch)
                    count += len(batch)
                    batch = []
            if batch:
                self._bulk(new_index, batch)
                count += len(batch)
            self.client.indices.refresh(index=new_index)

            try:
                old_indices = list(self.client.indices.get_alias(name=alias).keys())
            except NotFoundError:
                old_indices = []
            actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
            if not old_indices and self.client.indices.exists(index=alias):
                # A plain index holds the alias's name (created by a first non-alias build).
                actions.append({"remove_index": {"index": alias}})
            actions += [{"remove": {"index": old, "alias": alias}} for old in old_indices]
            self.client.indices.update_aliases(actions=actions)
            for old in old_indices:
                self.client.indices.delete(index=old, ignore_unavailable=True)
        cache.delete(self._max_popularity_key())
        logger.info("Search index %s rebuilt as %s with %d products", alias, new_index, count)
        return count

    def _timestamped_name(self) -> str:
        return f"{self.index}-{timezone.now().strftime('%Y%m%d%H%M%S%f')}"

    def _create_index(self, name: str, *, alias: str | None = None) -> None:
        from search.documents import ProductDocument

        body = ProductDocument._index.to_dict()
        self.client.indices.create(
            index=name,
            settings=body.get("settings", {}),
            mappings=body["mappings"],
            aliases={alias: {}} if alias else None,
        )

    def _actions(self, index: str, ids: list[int]) -> list[dict[str, Any]]:
        from search.documents import ProductDocument

        document = ProductDocument()
        products = list(document.get_queryset().filter(pk__in=ids))
        found = {p.pk for p in products}
        actions = [self._index_action(index, document, p) for p in products]
        actions += [
            {"_op_type": "delete", "_index": index, "_id": str(pk)} for pk in ids if pk not in found
        ]
        return actions

    @staticmethod
    def _index_action(index: str, document: Any, product: Any) -> dict[str, Any]:
        return {
            "_op_type": "index",
            "_index": index,
            "_id": str(product.pk),
            "_source": document.prepare(product),
        }

    def _bulk(self, index: str, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        with self._unavailable_on_error():
            _, errors = bulk(
                self.client,
                actions,
                refresh="wait_for" if self.refresh else False,
                raise_on_error=False,
            )
        # Deleting a document that was never indexed is not a failure.
        errors = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if errors:
            logger.error("Elasticsearch refused documents: %s", errors[:3])
            raise SearchBackendUnavailable(f"Elasticsearch refused {len(errors)} documents")

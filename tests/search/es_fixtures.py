"""Fixtures for the Elasticsearch backend, run against osmem-server (an in-memory,
OpenSearch-compatible server): one server per test session, a fresh copy-on-write clone of it
(an empty cluster) per test.

    from tests.search.es_fixtures import *  # in a conftest.py
"""

from __future__ import annotations

import socket

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.dsl.connections import connections

from search.backends.elasticsearch.backend import ElasticsearchBackend
from search.documents import PRODUCTS_INDEX, ProductDocument
from tests.search.osmem import osmem_client, start_server

__all__ = [
    "elasticsearch_backend",
    "elasticsearch_client",
    "es_server",
    "unreachable_elasticsearch",
]


@pytest.fixture(scope="session")
def es_server():
    server = start_server()
    yield server
    server.close()


def _install_default_connection(client: Elasticsearch):
    """Make `client` django-elasticsearch-dsl's "default" connection; returns the undo."""
    previous = connections._conns.get("default")
    connections.add_connection("default", client)

    def restore() -> None:
        if previous is None:
            connections._conns.pop("default", None)  # keeps the configured settings
        else:
            connections.add_connection("default", previous)
        # search_index --rebuild --use-alias renames the registered index object in place.
        ProductDocument._index._name = PRODUCTS_INDEX

    return restore


@pytest.fixture
def elasticsearch_client(es_server, settings):
    """A client for a fresh, empty cluster, also installed as django-elasticsearch-dsl's
    "default" connection (so `manage.py search_index` and `ElasticsearchBackend()` use it)
    with ELASTICSEARCH_URL pointing at it (so the search service chooses Elasticsearch)."""
    clone = es_server.clone()
    client = osmem_client(clone.url)
    settings.ELASTICSEARCH_URL = clone.url
    restore = _install_default_connection(client)
    try:
        yield client
    finally:
        restore()
        client.close()
        clone.close()


@pytest.fixture
def unreachable_elasticsearch(settings):
    """ELASTICSEARCH_URL and the "default" connection point at a closed local port, with the
    settings' short timeouts. Yields the URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    options = {k: v for k, v in settings.ELASTICSEARCH_DSL["default"].items() if k != "hosts"}
    client = Elasticsearch(url, **options)
    settings.ELASTICSEARCH_URL = url
    restore = _install_default_connection(client)
    try:
        yield url
    finally:
        restore()
        client.close()


@pytest.fixture
def elasticsearch_backend(db, elasticsearch_client):
    """The Elasticsearch backend on an empty index whose writes are visible at once."""
    backend = ElasticsearchBackend(client=elasticsearch_client, refresh=True)
    backend.ensure_index()
    return backend

"""osmem-server for tests and benchmarks: an in-memory OpenSearch-compatible server process,
and the transport node that lets the official Elasticsearch client talk to it.

The Elasticsearch client sends `application/vnd.elasticsearch+json; compatible-with=N` and
insists on an `X-Elastic-Product: Elasticsearch` response header; osmem speaks plain
`application/json` and names no product. `OsmemHttpNode` bridges the two and is never used
against a real cluster (production settings use the client's default node).

    with OsmemProcess.start() as server, server.clone() as clone:
        client = osmem_client(clone.url)
"""

from __future__ import annotations

import re
from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch
from osmem_server import OsmemClone, OsmemServer

__all__ = ["OsmemClone", "OsmemHttpNode", "OsmemServer", "osmem_client", "start_server"]

_COMPAT_MIMETYPE = re.compile(
    r"application/vnd\.elasticsearch\+([\w-]+)(\s*;\s*compatible-with=\d+)?"
)


class OsmemHttpNode(Urllib3HttpNode):
    """Sends plain JSON media types and marks osmem's answers as coming from Elasticsearch."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        **kwargs: Any,
    ) -> NodeApiResponse:
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = _COMPAT_MIMETYPE.sub(r"application/\1", headers[name])
        response = super().perform_request(method, target, body=body, headers=headers, **kwargs)
        response.meta.headers.setdefault("x-elastic-product", "Elasticsearch")
        return response


def osmem_client(url: str, **kwargs: Any) -> Elasticsearch:
    """An Elasticsearch client for an osmem server (or clone) at `url`."""
    options: dict[str, Any] = {"request_timeout": 10, "max_retries": 0}
    options.update(kwargs)
    return Elasticsearch(url, node_class=OsmemHttpNode, **options)


def start_server() -> OsmemServer:
    """Start osmem-server on a free local port and wait until it answers. It exits with the
    process that started it; call `.close()` to stop it earlier."""
    # No Japanese dictionary: the shop's languages are English and Chinese, and CJK text is
    # split into bigrams as on Elasticsearch's `cjk` analyzer.
    return OsmemServer.start(japanese=False, addr="127.0.0.1:0")

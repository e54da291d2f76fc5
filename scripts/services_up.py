"""Exit 0 when the PostgreSQL and Redis named by the given URLs accept TCP connections."""

import socket
import sys
from urllib.parse import urlsplit


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    database_url, redis_url = sys.argv[1], sys.argv[2]
    sys.exit(0 if reachable(database_url, 5432) and reachable(redis_url, 6379) else 1)

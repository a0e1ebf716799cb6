"""Client for the REST API of Uspacy portals (https://uspacy.ua), built on
the SDK's Rust core.

>>> import uspacy
>>> with uspacy.Client(domain="acme", email="owner@acme.ua", password="...") as client:
...     page = client.crm.items.list("deals", page=1, list=50)
...     for deal in client.crm.items.iter("deals", list=100):
...         print(deal["id"], deal["title"])

``AsyncClient`` offers the same namespaces as coroutines and async iterators.
Every error is a subclass of ``UspacyError``; see ``uspacy.errors``. The SDK
logs through the standard ``logging`` module under the ``uspacy`` logger.
"""

from typing import Any, Dict

from . import _native
from ._client import AsyncClient, Client
from ._native import TokenPair
from .errors import (
    ApiError,
    ConfigError,
    DecodeError,
    Duplicate,
    Forbidden,
    NetworkError,
    NotFound,
    RateLimited,
    SessionExpired,
    Timeout,
    Unauthorized,
    UspacyError,
    ValidationError,
)

__version__: str = _native.__version__

__all__ = [
    "Client",
    "AsyncClient",
    "TokenPair",
    "defaults",
    "UspacyError",
    "ApiError",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "ValidationError",
    "RateLimited",
    "Duplicate",
    "SessionExpired",
    "NetworkError",
    "Timeout",
    "DecodeError",
    "ConfigError",
]


def defaults() -> Dict[str, Any]:
    """Return the default timeouts and retry settings (seconds), keyed by the
    clients' argument names, as the Rust core defines them."""
    return _native.defaults()

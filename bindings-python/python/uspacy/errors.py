"""The exceptions of the SDK: one hierarchy under ``UspacyError``.

::

    UspacyError
    ├── ApiError                 a non-2xx response (status, method, url, body)
    │   ├── Unauthorized         401 after the one refresh-and-replay
    │   ├── Forbidden            403
    │   ├── NotFound             404
    │   ├── ValidationError      422, or 400 with field errors
    │   ├── RateLimited          429 after the allowed retries (retry_after)
    │   └── Duplicate            the messenger's "E11000 duplicate key" response
    ├── SessionExpired           the refresh token was rejected; sign in again
    ├── NetworkError             the request could not be sent or the connection broke
    │   └── Timeout              the request or the connection attempt timed out
    ├── DecodeError              a 2xx body that is not the expected JSON (json_path)
    └── ConfigError              invalid arguments, found before anything was sent

Every exception has the same attributes; those that do not apply are ``None``.
"""

from typing import Any, Dict, List, Optional

__all__ = [
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


class UspacyError(Exception):
    """Base class of every exception the SDK raises.

    ``str(error)`` reads like ``not found: Deal 7 not found (GET https://... -> 404)``.

    Attributes:
        kind: The core's error kind in snake case (``"not_found"``,
            ``"rate_limited"``, ...), or ``"internal"`` for a bug in the SDK.
        message: The server's message, or a description of the failure.
        status: The HTTP status, when a response arrived.
        method: The HTTP method of the failed request.
        url: The URL of the failed request; a webhook key in it reads ``***``.
        field_errors: Per-field messages from an ``errors: {field: [...]}`` body.
        body: The raw response body as bytes, JSON or not.
        retry_after: Seconds the server asked to wait (``Retry-After``).
        json_path: For ``DecodeError``: where in the body decoding failed.
        retryable: Whether the same request may succeed later unchanged.
    """

    def __init__(
        self,
        text: str,
        *,
        kind: Optional[str] = None,
        message: Optional[str] = None,
        status: Optional[int] = None,
        method: Optional[str] = None,
        url: Optional[str] = None,
        field_errors: Optional[Dict[str, List[str]]] = None,
        body: Optional[bytes] = None,
        retry_after: Optional[float] = None,
        json_path: Optional[str] = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(text)
        self.kind = kind
        self.message = text if message is None else message
        self.status = status
        self.method = method
        self.url = url
        self.field_errors: Dict[str, List[str]] = dict(field_errors or {})
        self.body = body
        self.retry_after = retry_after
        self.json_path = json_path
        self.retryable = retryable

    @property
    def text(self) -> Optional[str]:
        """The response body decoded as UTF-8 (invalid bytes replaced), or ``None``."""
        if self.body is None:
            return None
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        details: List[str] = [repr(str(self))]
        if self.status is not None:
            details.append(f"status={self.status}")
        return f"{type(self).__name__}({', '.join(details)})"

    def __reduce__(self) -> Any:
        return (type(self), (str(self),), self.__dict__)


class ApiError(UspacyError):
    """The portal responded with a non-2xx status, so ``status`` is always set."""

    status: int


class Unauthorized(ApiError):
    """401: the credentials were rejected, or still were after one refresh."""


class Forbidden(ApiError):
    """403: the user may not do this."""


class NotFound(ApiError):
    """404: no such resource or route."""


class ValidationError(ApiError):
    """422 (or 400 with field errors): see ``field_errors``."""


class RateLimited(ApiError):
    """429 after the allowed retries, or a ``Retry-After`` above ``max_retry_after``.

    ``retry_after`` contains the requested wait in seconds, when the server sent one.
    """


class Duplicate(ApiError):
    """The messenger reports that a message or chat with that id already exists."""


class SessionExpired(UspacyError):
    """The refresh token was rejected, or the access token expired with no way
    to renew it. The client makes no further refresh attempts: create a new
    client with fresh credentials."""


class NetworkError(UspacyError):
    """The request could not be sent, or the connection broke before a response."""


class Timeout(NetworkError):
    """The request, or the connection attempt, timed out."""


class DecodeError(UspacyError):
    """A 2xx response whose body is not the JSON the operation returns;
    ``json_path`` says where, ``body`` contains the bytes."""


class ConfigError(UspacyError, ValueError):
    """Invalid client arguments or call arguments, found before anything was
    sent. The message names the argument and what to pass instead."""

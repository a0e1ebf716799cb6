"""Types of the native module. Use ``uspacy.Client`` and ``uspacy.AsyncClient``
instead of ``NativeClient``."""

from typing import Any, AsyncIterator, Awaitable, Dict, Iterator, Mapping, Optional

__version__: str

class TokenPair:
    """An access token, the refresh token that renews it and the access
    token's expiry. ``repr()`` hides both tokens."""

    access_token: str
    refresh_token: Optional[str]
    #: Seconds since the Unix epoch; ``None`` when unknown.
    expires_at: Optional[int]
    def __init__(
        self, access_token: str, refresh_token: Optional[str] = None, expires_at: Optional[int] = None
    ) -> None: ...
    def to_dict(self) -> Dict[str, Any]:
        """Return the pair as a dict with the keys ``access_token``, ``refresh_token``, ``expires_at``."""

class Pager(Iterator[Any]):
    def __next__(self) -> Any: ...
    def close(self) -> None:
        """Stop the iteration early and free the page held in memory."""

class AsyncPager(AsyncIterator[Any]):
    def __anext__(self) -> Awaitable[Any]: ...
    def aclose(self) -> Awaitable[None]:
        """Stop the iteration early and free the page held in memory."""

class Ready(Awaitable[Any]):
    """An awaitable that is already resolved: the next item of a page the
    async iterator has fetched."""

    def __await__(self) -> Any: ...

def close_gate() -> None:
    """Stop runtime threads from entering Python and wait for those inside.
    Registered with ``atexit``; call it only in tests."""

class NativeClient:
    base_url: str
    auth_kind: str
    closed: bool
    def __init__(self, **options: Any) -> None: ...
    def call(
        self,
        op_id: str,
        path: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        extra_query: Any = None,
        *,
        body: Any = None,
        files: Any = None,
        fields: Any = None,
    ) -> Any: ...
    def call_async(
        self,
        op_id: str,
        path: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        extra_query: Any = None,
        *,
        body: Any = None,
        files: Any = None,
        fields: Any = None,
    ) -> Awaitable[Any]: ...
    def paginate(
        self, op_id: str, path: Any = None, query: Any = None, extra_query: Any = None
    ) -> Pager: ...
    def paginate_async(
        self, op_id: str, path: Any = None, query: Any = None, extra_query: Any = None
    ) -> AsyncPager: ...
    def authenticate(self) -> None: ...
    def authenticate_async(self) -> Awaitable[None]: ...
    def refresh(self) -> TokenPair: ...
    def refresh_async(self) -> Awaitable[TokenPair]: ...
    def tokens(self) -> Optional[TokenPair]: ...
    def close(self) -> None: ...

def defaults() -> Dict[str, Any]: ...
def _panic_for_test(asynchronous: bool = False) -> Any: ...

"""``Client`` (blocking) and ``AsyncClient`` (asyncio): configuration,
context management and the generic entry points. The per-operation methods
come from the generated namespaces."""

from datetime import timedelta
from typing import Any, AsyncIterator, Callable, Iterator, Mapping, Optional, Sequence, Union

from . import _native
from ._generated import AsyncClientNamespaces, ClientNamespaces
from ._native import NativeClient, TokenPair

Seconds = Union[int, float, timedelta]
"""A duration: seconds as an int or float, or a ``datetime.timedelta``."""


class _BaseClient:
    """Configuration shared by both clients."""

    _native: NativeClient

    def _attach_namespaces(self, native: Any) -> None:
        raise NotImplementedError

    def __init__(
        self,
        *,
        domain: Optional[str] = None,
        base_url: Optional[str] = None,
        email: Optional[str] = None,
        password: Optional[str] = None,
        code: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        webhook_url: Optional[str] = None,
        connect_timeout: Optional[Seconds] = None,
        request_timeout: Optional[Seconds] = None,
        upload_timeout: Optional[Seconds] = None,
        max_attempts: Optional[int] = None,
        initial_backoff: Optional[Seconds] = None,
        max_backoff: Optional[Seconds] = None,
        max_retry_after: Optional[Seconds] = None,
        max_elapsed: Optional[Seconds] = None,
        refresh_skew: Optional[Seconds] = None,
        user_agent: Optional[str] = None,
        on_tokens: Optional[Callable[[TokenPair], None]] = None,
    ) -> None:
        """Configure a client of one portal; nothing is sent until the first call.

        Portal (one of):
            domain: The portal's name (``"acme"`` for https://acme.uspacy.ua)
                or host name.
            base_url: A full URL such as ``"http://127.0.0.1:8080"`` (a local
                mock portal); wins over ``domain``. With ``access_token`` and
                neither given, the token's ``domain`` claim is used.

        Credentials (one kind, or none for the operations without auth):
            email, password, code: Sign in with e-mail and password; ``code``
                is the two-factor code when the account needs one.
            client_id, client_secret: Sign in as a marketplace app.
            access_token, refresh_token: Start from a token pair stored
                earlier (see ``on_tokens``).
            webhook_url: An incoming-webhook URL; calls go through it without
                tokens.

        Timeouts and retries (``None`` keeps the core's default; see
        ``uspacy.defaults()``):
            connect_timeout, request_timeout, upload_timeout: Seconds per
                attempt to connect, for an ordinary request, for a multipart
                upload.
            max_attempts: Attempts per call, the first included; 1 turns
                retries off. 429 answers are replayed for every operation,
                5xx answers and connection failures only for idempotent ones.
            initial_backoff, max_backoff: The first backoff, doubled for each
                later replay up to ``max_backoff``, with jitter.
            max_retry_after: The longest ``Retry-After`` the client waits; a
                longer one raises ``RateLimited`` at once.
            max_elapsed: The deadline of one call, retries included.
            refresh_skew: How long before its expiry the access token is renewed.
            user_agent: The ``User-Agent`` header.

        Token persistence:
            on_tokens: Called with a ``TokenPair`` after every sign-in and
                refresh, so the pair can be stored and passed back later as
                ``access_token``/``refresh_token``. It runs on an SDK thread
                while the client's refresh lock is held, so it must not call
                this client; an exception it raises is logged on the
                ``uspacy`` logger and otherwise ignored.

        Raises:
            ConfigError: An argument is invalid; the message names it.
        """
        self._native = _native.NativeClient(
            domain=domain,
            base_url=base_url,
            email=email,
            password=password,
            code=code,
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            refresh_token=refresh_token,
            webhook_url=webhook_url,
            connect_timeout=connect_timeout,
            request_timeout=request_timeout,
            upload_timeout=upload_timeout,
            max_attempts=max_attempts,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            max_elapsed=max_elapsed,
            refresh_skew=refresh_skew,
            user_agent=user_agent,
            on_tokens=on_tokens,
        )
        self._attach_namespaces(self._native)

    @property
    def base_url(self) -> str:
        """The portal's base URL; a webhook key in it reads ``***``."""
        return self._native.base_url

    @property
    def tokens(self) -> Optional[TokenPair]:
        """The current token pair, or ``None`` before sign-in and for clients
        without tokens."""
        return self._native.tokens()

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._native.closed

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return (
            f"<uspacy.{type(self).__name__} base_url={self.base_url!r} "
            f"auth={self._native.auth_kind}{state}>"
        )


class Client(_BaseClient, ClientNamespaces):
    """A blocking client of one Uspacy portal, safe to share between threads.

    Calls release the GIL while they wait for the network, and Ctrl-C
    interrupts them. Operations are methods of namespaces named after their
    op ids: ``client.crm.items.list("deals", page=1, list=50)``. Results are
    plain ``dict``/``list`` values (``None`` for an empty body).

    Use it as a context manager, or call ``close()`` when done.
    """

    _attach_namespaces = ClientNamespaces.__init__

    def call(
        self,
        op_id: str,
        path_params: Optional[Mapping[str, Union[str, int]]] = None,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        files: Optional[Sequence[Any]] = None,
        fields: Any = None,
    ) -> Any:
        """Call any operation by its op id (``"crm.items.get"``), with path
        parameters by name (``{"entity_code": "deals", "id": 7}``).

        ``body`` is sent as JSON. ``files`` and ``fields`` are sent as
        multipart instead: each file is a path (``pathlib.Path``) or a
        ``(filename, content[, content_type])`` tuple whose content is bytes
        or a path.

        Raises:
            ConfigError: Unknown op id, missing path parameter, a body that
                cannot be sent, or a file that cannot be read.
            UspacyError: Any failure of the call.
        """
        return self._native.call(op_id, path_params, None, query, body=body, files=files, fields=fields)

    def paginate(
        self,
        op_id: str,
        path_params: Optional[Mapping[str, Union[str, int]]] = None,
        *,
        query: Optional[Mapping[str, Any]] = None,
    ) -> Iterator[Any]:
        """Iterate over every item of any list operation, one page at a time."""
        return self._native.paginate(op_id, path_params, None, query)

    def authenticate(self) -> None:
        """Sign in (or check the given tokens) now instead of at the first call."""
        self._native.authenticate()

    def refresh(self) -> TokenPair:
        """Refresh the access token now and return the new pair; concurrent
        callers share one refresh."""
        return self._native.refresh()

    def close(self) -> None:
        """Release the connection pool. Calls already running finish; later
        calls raise ``ConfigError``."""
        self._native.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class AsyncClient(_BaseClient, AsyncClientNamespaces):
    """An asyncio client of one Uspacy portal.

    Methods are coroutines that never block the event loop; the requests run
    on the SDK's own threads. Iterators (``client.crm.items.iter(...)``) are
    async iterators. Use it as an async context manager, or await
    ``close()`` when done.
    """

    _attach_namespaces = AsyncClientNamespaces.__init__

    async def call(
        self,
        op_id: str,
        path_params: Optional[Mapping[str, Union[str, int]]] = None,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        files: Optional[Sequence[Any]] = None,
        fields: Any = None,
    ) -> Any:
        """Call any operation by its op id; see ``Client.call``."""
        return await self._native.call_async(
            op_id, path_params, None, query, body=body, files=files, fields=fields
        )

    def paginate(
        self,
        op_id: str,
        path_params: Optional[Mapping[str, Union[str, int]]] = None,
        *,
        query: Optional[Mapping[str, Any]] = None,
    ) -> AsyncIterator[Any]:
        """Iterate asynchronously over every item of any list operation."""
        return self._native.paginate_async(op_id, path_params, None, query)

    async def authenticate(self) -> None:
        """Sign in (or check the given tokens) now instead of at the first call."""
        await self._native.authenticate_async()

    async def refresh(self) -> TokenPair:
        """Refresh the access token now and return the new pair."""
        return await self._native.refresh_async()

    async def close(self) -> None:
        """Release the connection pool. Calls already running finish; later
        calls raise ``ConfigError``."""
        self._native.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

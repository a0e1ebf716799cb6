//! The HTTP server: accept loop, per-request pipeline (recording, faults,
//! CORS, webhook paths) and the public `MockServer` handle.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Method};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

use crate::data::{self, Sizes};
use crate::faults::{self, Fault, FaultKind, FaultQueue};
use crate::http::{bytes_response, empty, json, unauthenticated, ApiRequest, Resp};
use crate::record::{RecordedRequest, RequestLog};
use crate::state::Portal;
use crate::{control, router, DemoCredentials, IssuedTokens, MockConfig};

/// Largest request body accepted: 64 MiB, enough for test uploads.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Path prefix of incoming-webhook URLs; the key segment follows.
const WEBHOOK_PREFIX: [&str; 4] = ["company", "v1", "incoming_webhooks", "run"];

/// State shared by every connection of one server.
pub(crate) struct Shared {
    pub domain: String,
    pub token_lifetime: i64,
    pub jwt_secret: Vec<u8>,
    pub credentials: DemoCredentials,
    pub base_url: String,
    pub requests: RequestLog,
    pub faults: FaultQueue,
    portal: Mutex<Portal>,
}

impl Shared {
    /// Locks the portal state. A handler that panicked cannot leave it
    /// half-written in a way later requests care about, so poison is ignored.
    pub fn portal(&self) -> MutexGuard<'_, Portal> {
        self.portal
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

fn public_base_url(addr: SocketAddr) -> String {
    // A wildcard bind address is not something a client can dial.
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

fn build_shared(config: &MockConfig, addr: SocketAddr) -> Shared {
    let base_url = public_base_url(addr);
    let credentials = DemoCredentials::new(config, &base_url);
    let sizes = Sizes {
        deals: config.deals,
        contacts: 1000,
        companies: 500,
        leads: 300,
        projects: 40,
    };
    let mut portal = data::generate(config.seed, &config.domain, &sizes);
    data::add_services(
        &mut portal,
        config.seed,
        &config.domain,
        (&base_url, &credentials.webhook_key),
    );
    let jwt_secret: Vec<u8> = std::iter::repeat_with(|| fastrand::u8(..))
        .take(32)
        .collect();
    Shared {
        domain: config.domain.clone(),
        token_lifetime: config.token_lifetime_secs,
        jwt_secret,
        credentials,
        base_url,
        requests: RequestLog::default(),
        faults: FaultQueue::default(),
        portal: Mutex::new(portal),
    }
}

async fn bind(config: &MockConfig) -> std::io::Result<(TcpListener, Arc<Shared>)> {
    let listener = TcpListener::bind(SocketAddr::new(config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let started = Instant::now();
    let shared = Arc::new(build_shared(config, addr));
    tracing::info!(
        base_url = %shared.base_url,
        deals = config.deals,
        seed = config.seed,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "mock portal ready"
    );
    Ok((listener, shared))
}

/// Waits until shutdown is requested or the handle is gone. The `Ref` of
/// `wait_for` is not `Send`, so it must not live in a `select!` output.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let connection_shutdown = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    tokio::spawn(serve_connection(stream, shared.clone(), connection_shutdown.clone()));
                }
                Err(error) => {
                    // Usually out of file descriptors; back off instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            _ = stopped(&mut shutdown) => break,
        }
    }
    tracing::info!(base_url = %shared.base_url, "mock server stopped");
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    // A drop_connection fault notifies this to close the socket with no response.
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = service_fn(move |request| {
        let shared = shared.clone();
        let kill = service_kill.clone();
        async move { Ok::<_, Infallible>(handle_request(shared, kill, request).await) }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        _ = kill.notified() => {}
        _ = stopped(&mut shutdown) => {}
    }
}

fn decode_segments(raw_path: &str) -> Vec<String> {
    raw_path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

/// Splits an incoming-webhook path into its key and the API segments after it.
fn split_webhook(segments: &[String]) -> Option<(String, Vec<String>)> {
    if segments.len() < 5 || !segments.iter().zip(WEBHOOK_PREFIX).all(|(a, b)| a == b) {
        return None;
    }
    Some((segments[4].clone(), segments[5..].to_vec()))
}

/// Adds the CORS headers every response carries.
fn add_cors(response: &mut Resp, origin: Option<&HeaderValue>) {
    let headers = response.headers_mut();
    match origin {
        Some(origin) => {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        None => {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "Retry-After, Content-Disposition, X-RateLimit-Limit, X-RateLimit-Remaining",
        ),
    );
}

/// Builds a 204 preflight response. With `with_cors` false it has no CORS header at all.
fn preflight(request_headers: &HeaderMap, with_cors: bool) -> Resp {
    let mut response = empty(204);
    if !with_cors {
        return response;
    }
    add_cors(&mut response, request_headers.get(header::ORIGIN));
    let mut allowed = vec![
        "authorization".to_string(),
        "content-type".to_string(),
        "accept".to_string(),
        "x-mock-fault".to_string(),
    ];
    let requested = request_headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for name in requested.split(',').map(|n| n.trim().to_ascii_lowercase()) {
        if !name.is_empty() && !allowed.contains(&name) {
            allowed.push(name);
        }
    }
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
    );
    if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Builds the response of a fault that replaces the normal one.
fn fault_response(kind: FaultKind, api_path: &str) -> Resp {
    match kind {
        FaultKind::Status(status) => json(status, &faults::status_body(status, api_path)),
        FaultKind::Respond {
            status,
            headers,
            body,
        } => {
            let mut response = http::Response::new(http_body_util::Full::new(body));
            *response.status_mut() = crate::http::status_code(status);
            for (name, value) in headers {
                match (
                    header::HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(&value),
                ) {
                    (Ok(name), Ok(value)) => {
                        response.headers_mut().append(name, value);
                    }
                    _ => {
                        tracing::warn!(header = %name, "skipped an invalid header of a canned response")
                    }
                }
            }
            response
        }
        FaultKind::RateLimited(retry_after) => {
            let mut response = json(429, &json!({"message": "Too Many Attempts."}));
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&retry_after) {
                headers.insert(header::RETRY_AFTER, value);
            }
            headers.insert("x-ratelimit-limit", HeaderValue::from_static("60"));
            headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            response
        }
        FaultKind::EmptyBody => bytes_response(200, "application/json", Bytes::new()),
        FaultKind::MalformedJson => bytes_response(
            200,
            "application/json",
            Bytes::from_static(faults::MALFORMED_JSON.as_bytes()),
        ),
        FaultKind::HtmlError(status) => bytes_response(
            status,
            "text/html; charset=utf-8",
            Bytes::from(faults::html_page(status)),
        ),
        FaultKind::ExpiredToken => unauthenticated(),
        // Handled by the caller, which responds normally or drops the connection.
        FaultKind::Latency(_) | FaultKind::NoCors | FaultKind::DropConnection => empty(500),
    }
}

/// An API request ready for the router, owned so it can move to the
/// blocking pool.
struct ApiCall {
    shared: Arc<Shared>,
    method: Method,
    segments: Vec<String>,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl ApiCall {
    /// Runs the handler on the blocking pool: handlers lock the portal and may
    /// scan thousands of records, which must not stall the I/O threads that
    /// accept connections. A panicking handler becomes a 500.
    async fn run(self) -> Resp {
        let task = tokio::task::spawn_blocking(move || {
            route_api_request(
                &self.shared,
                &self.method,
                &self.segments,
                &self.query,
                &self.headers,
                &self.body,
            )
        });
        match task.await {
            Ok(response) => response,
            Err(error) => {
                tracing::error!(%error, "request handler failed");
                json(
                    500,
                    &json!({"status": false, "message": "The mock failed to handle the request; see its log."}),
                )
            }
        }
    }
}

/// Routes an API request. A valid webhook key replaces the bearer token.
fn route_api_request(
    shared: &Shared,
    method: &Method,
    segments: &[String],
    query: &Option<String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Resp {
    let (api_segments, webhook_key) = match split_webhook(segments) {
        Some((key, rest)) => (rest, Some(key)),
        None => (segments.to_vec(), None),
    };
    let mut request = ApiRequest {
        method: method.clone(),
        segments: api_segments,
        query: crate::query::parse(query.as_deref().unwrap_or("")),
        headers: headers.clone(),
        body: body.clone(),
        user_id: None,
    };
    // Any active incoming webhook's key authenticates; the demo key belongs
    // to the seeded webhook 1.
    let key_is_active = |key: &str| crate::company::webhook_key_is_active(&shared.portal(), key);
    match webhook_key {
        Some(key) if key_is_active(&key) => {
            request.user_id = Some(1);
            router::dispatch(shared, &mut request, true)
        }
        Some(_) => unauthenticated(),
        None => router::dispatch(shared, &mut request, false),
    }
}

/// Returns the path for logs, with a webhook key masked.
fn loggable_path(segments: &[String]) -> String {
    match split_webhook(segments) {
        Some((_, rest)) => format!("/{}/***/{}", WEBHOOK_PREFIX.join("/"), rest.join("/")),
        None => format!("/{}", segments.join("/")),
    }
}

async fn handle_request(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    request: hyper::Request<Incoming>,
) -> Resp {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let origin = parts.headers.get(header::ORIGIN).cloned();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::warn!(%error, "failed to read a request body");
            let mut response = json(
                413,
                &json!({"status": false, "message": format!("The request body could not be read or is larger than {MAX_BODY_BYTES} bytes.")}),
            );
            add_cors(&mut response, origin.as_ref());
            return response;
        }
    };
    let raw_path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().map(str::to_string);

    if raw_path == "/__mock" || raw_path.starts_with("/__mock/") {
        let mut response = if parts.method == Method::OPTIONS {
            preflight(&parts.headers, true)
        } else {
            control::handle(&shared, &parts.method, &raw_path, &body)
        };
        add_cors(&mut response, origin.as_ref());
        return response;
    }

    shared.requests.push(RecordedRequest {
        method: parts.method.as_str().to_string(),
        path: raw_path.clone(),
        query: raw_query.clone(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.clone(),
    });

    let segments = decode_segments(&raw_path);
    let decoded_path = format!("/{}", segments.join("/"));
    let api_path = match split_webhook(&segments) {
        Some((_, rest)) => format!("/{}", rest.join("/")),
        None => decoded_path.clone(),
    };
    let match_paths = [raw_path.as_str(), decoded_path.as_str(), api_path.as_str()];
    let log_path = loggable_path(&segments);

    if parts.method == Method::OPTIONS {
        // A preflight stands for the request named in Access-Control-Request-Method.
        let target = parts
            .headers
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("OPTIONS")
            .to_string();
        let with_cors = !shared.faults.has_no_cors(&target, &match_paths);
        let response = preflight(&parts.headers, with_cors);
        tracing::info!(method = "OPTIONS", path = %log_path, status = 204, cors = with_cors, "preflight");
        return response;
    }

    let fault = match parts.headers.get("x-mock-fault") {
        Some(value) => match faults::parse_header(&String::from_utf8_lossy(value.as_bytes())) {
            Ok(kind) => Some(kind),
            Err(text) => {
                let mut response = json(400, &json!({"status": false, "message": text}));
                add_cors(&mut response, origin.as_ref());
                return response;
            }
        },
        None => shared.faults.take(parts.method.as_str(), &match_paths),
    };
    if let Some(kind) = &fault {
        tracing::debug!(path = %log_path, fault = ?kind, "applying fault");
    }

    let mut with_cors = true;
    let replacement = match fault {
        Some(FaultKind::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            None
        }
        Some(FaultKind::NoCors) => {
            with_cors = false;
            None
        }
        Some(FaultKind::DropConnection) => {
            tracing::info!(method = %parts.method, path = %log_path, "dropping the connection (fault)");
            kill.notify_one();
            // The connection task drops this future together with the socket.
            std::future::pending::<()>().await;
            unreachable!("the pending future never completes")
        }
        Some(kind) => Some(fault_response(kind, &api_path)),
        None => None,
    };
    let mut response = match replacement {
        Some(response) => response,
        None => {
            let call = ApiCall {
                shared: shared.clone(),
                method: parts.method.clone(),
                segments,
                query: raw_query,
                headers: parts.headers.clone(),
                body,
            };
            call.run().await
        }
    };
    if with_cors {
        add_cors(&mut response, origin.as_ref());
    }
    tracing::info!(
        method = %parts.method,
        path = %log_path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// A running mock portal. Clones share one server, which stops when
/// [`MockServer::shutdown`] is called or the last clone is dropped.
#[derive(Clone)]
pub struct MockServer {
    inner: Arc<Inner>,
}

impl MockServer {
    /// Binds `config.host:config.port`, builds the demo portal and serves it
    /// on the current tokio runtime (current-thread or multi-thread).
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        let (listener, shared) = bind(&config).await?;
        let addr = listener.local_addr()?;
        let (shutdown, receiver) = watch::channel(false);
        tokio::spawn(serve(listener, shared.clone(), receiver));
        Ok(MockServer {
            inner: Arc::new(Inner {
                shared,
                addr,
                shutdown,
                thread: Mutex::new(None),
            }),
        })
    }

    /// Starts the server on its own runtime in a background thread, for
    /// callers without a tokio runtime.
    pub fn start_blocking(config: MockConfig) -> std::io::Result<MockServer> {
        type Started = std::io::Result<(Arc<Shared>, SocketAddr, watch::Sender<bool>)>;
        let (sender, receiver) = std::sync::mpsc::channel::<Started>();
        let thread = std::thread::Builder::new()
            .name("uspacy-mock".to_string())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("uspacy-mock-worker")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = sender.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let (listener, shared) = match bind(&config).await {
                        Ok(bound) => bound,
                        Err(error) => {
                            let _ = sender.send(Err(error));
                            return;
                        }
                    };
                    let addr = match listener.local_addr() {
                        Ok(addr) => addr,
                        Err(error) => {
                            let _ = sender.send(Err(error));
                            return;
                        }
                    };
                    let (shutdown, stop) = watch::channel(false);
                    if sender.send(Ok((shared.clone(), addr, shutdown))).is_err() {
                        return;
                    }
                    serve(listener, shared, stop).await;
                });
            })?;
        let (shared, addr, shutdown) = receiver.recv().map_err(|_| {
            std::io::Error::other("the mock server thread exited during start-up")
        })??;
        Ok(MockServer {
            inner: Arc::new(Inner {
                shared,
                addr,
                shutdown,
                thread: Mutex::new(Some(thread)),
            }),
        })
    }

    /// Returns the base URL, such as `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.inner.shared.base_url.clone()
    }

    /// Returns the `domain` claim of issued tokens.
    pub fn domain(&self) -> String {
        self.inner.shared.domain.clone()
    }

    /// Returns the bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Returns the demo accounts, app credentials and webhook URL.
    pub fn credentials(&self) -> DemoCredentials {
        self.inner.shared.credentials.clone()
    }

    /// Returns every recorded request in arrival order (`/__mock/*` excluded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.shared.requests.all()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.inner.shared.requests.clear()
    }

    /// Counts recorded requests with this method and exact raw path.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.inner.shared.requests.count(method, path)
    }

    /// Queues a fault; faults match in injection order.
    pub fn inject(&self, fault: Fault) {
        self.inner.shared.faults.push(fault)
    }

    /// Returns the queued faults with their remaining counts.
    pub fn faults(&self) -> Vec<Fault> {
        self.inner.shared.faults.list()
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        self.inner.shared.faults.clear()
    }

    /// Issues tokens for the demo owner with `lifetime_secs` (negative gives an
    /// already expired access token); the refresh token is valid once.
    pub fn issue_tokens(&self, lifetime_secs: i64) -> IssuedTokens {
        let shared = &self.inner.shared;
        let mut portal = shared.portal();
        crate::auth::issue_tokens(shared, &mut portal, 1, lifetime_secs)
    }

    /// Returns a stored CRM record, or `None` when missing.
    pub fn item(&self, entity_code: &str, id: i64) -> Option<Value> {
        let portal = self.inner.shared.portal();
        portal
            .items
            .get(entity_code)?
            .rows
            .get(&id)
            .map(|row| Value::Object(row.clone()))
    }

    /// Stops accepting requests and closes open connections; for a server
    /// from [`MockServer::start_blocking`], also waits for its thread.
    pub fn shutdown(self) {
        self.inner.shutdown.send_replace(true);
        let thread = self
            .inner
            .thread
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.inner.shared.base_url)
            .finish_non_exhaustive()
    }
}

//! Forwards the core's `tracing` events to Python's `logging`.
//!
//! An event of target `uspacy::auth` goes to the logger `uspacy.auth`,
//! with the fields of its spans and its own fields appended to the message
//! (`op=crm.items.list method=GET status=200 attempt=1 latency_ms=4`) and
//! also attached to the record as the dict `record.uspacy`. Levels map
//! TRACE to 5, DEBUG to 10, INFO to 20, WARN to 30 and ERROR to 40.
//!
//! Taking the GIL for every event would be slow, so the lowest level any
//! `uspacy` logger accepts is read at the start of each call (with the GIL
//! held anyway) and events below it are dropped without touching Python.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The lowest Python level a `uspacy` logger accepts; events below it are
/// dropped in Rust. Starts above every level, so nothing is forwarded before
/// the first call reads the loggers' levels.
static THRESHOLD: AtomicU32 = AtomicU32::new(u32::MAX);

/// Logger names of the callsites seen so far (`uspacy.auth`, ...).
static LOGGERS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

static GET_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The custom level number used for TRACE events.
const TRACE_LEVEL: u32 = 5;

/// Installs the forwarding subscriber as the process-wide default. When
/// another one is installed already, the core's events go there instead.
pub(crate) fn install() {
    let subscriber = tracing_subscriber::registry().with(PythonLogLayer);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

fn is_core_target(target: &str) -> bool {
    target == "uspacy" || target.starts_with("uspacy::")
}

fn logger_name(target: &str) -> String {
    target.replace("::", ".")
}

fn python_level(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => TRACE_LEVEL,
    }
}

fn get_logger<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let get_logger = GET_LOGGER.get_or_try_init(py, || {
        let logging = py.import("logging")?;
        if logging
            .call_method1("getLevelName", (TRACE_LEVEL,))?
            .extract::<String>()?
            .starts_with("Level ")
        {
            logging.call_method1("addLevelName", (TRACE_LEVEL, "TRACE"))?;
        }
        Ok::<_, PyErr>(logging.getattr("getLogger")?.unbind())
    })?;
    get_logger.bind(py).call1((name,))
}

/// Reads the lowest level that the `uspacy` logger or any of its children
/// seen so far accepts. Called at the start of each call into the core.
pub(crate) fn refresh_threshold(py: Python<'_>) {
    let mut names: Vec<String> = LOGGERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .cloned()
        .collect();
    names.push("uspacy".to_owned());

    let mut lowest = u32::MAX;
    for name in names {
        let level = get_logger(py, &name)
            .and_then(|logger| logger.call_method0("getEffectiveLevel"))
            .and_then(|level| level.extract::<u32>());
        if let Ok(level) = level {
            lowest = lowest.min(level);
        }
    }
    THRESHOLD.store(lowest, Ordering::Relaxed);
}

/// Logs an exception raised by a user callback as a WARNING on the
/// `uspacy` logger, with its traceback.
pub(crate) fn callback_failed(py: Python<'_>, callback: &str, error: &PyErr) {
    let logged = get_logger(py, "uspacy").and_then(|logger| {
        let kwargs = PyDict::new(py);
        kwargs.set_item("exc_info", error.value(py))?;
        logger.call_method(
            "warning",
            (format!(
                "the {callback} callback raised an exception, which was ignored"
            ),),
            Some(&kwargs),
        )
    });
    if logged.is_err() {
        error.clone_ref(py).print(py);
    }
}

/// Fields of a span or an event as `name=value` text, in order.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    pairs: Vec<(String, String)>,
}

impl Fields {
    fn set(&mut self, name: &str, value: String) {
        if name == "message" {
            self.message = Some(value);
            return;
        }
        match self.pairs.iter_mut().find(|(key, _)| key == name) {
            Some(pair) => pair.1 = value,
            None => self.pairs.push((name.to_owned(), value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), format!("{value:?}"));
    }
}

struct PythonLogLayer;

impl<S> Layer<S> for PythonLogLayer
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
{
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if !is_core_target(metadata.target()) {
            return Interest::never();
        }
        LOGGERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(logger_name(metadata.target()));
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _context: Context<'_, S>) -> bool {
        is_core_target(metadata.target())
            && python_level(metadata.level()) >= THRESHOLD.load(Ordering::Relaxed)
    }

    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        if let Some(span) = context.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, context: Context<'_, S>) {
        if let Some(span) = context.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if let Some(scope) = context.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<Fields>() {
                    pairs.extend(fields.pairs.iter().cloned());
                }
            }
        }
        let mut own = Fields::default();
        event.record(&mut own);
        for (name, value) in own.pairs {
            pairs.retain(|(key, _)| key != &name);
            pairs.push((name, value));
        }

        let metadata = event.metadata();
        let record = LogRecord {
            logger: logger_name(metadata.target()),
            level: python_level(metadata.level()),
            message: own.message.unwrap_or_default(),
            pairs,
            file: metadata.file(),
            line: metadata.line(),
        };
        // Python may be shutting down; a log line is not worth a panic.
        let _ = std::panic::catch_unwind(|| {
            crate::aio::with_gil(|py| {
                let _ = record.emit(py);
            })
        });
    }
}

struct LogRecord {
    logger: String,
    level: u32,
    message: String,
    pairs: Vec<(String, String)>,
    file: Option<&'static str>,
    line: Option<u32>,
}

impl LogRecord {
    fn text(&self) -> String {
        let mut text = self.message.clone();
        for (name, value) in &self.pairs {
            if !text.is_empty() {
                text.push(' ');
            }
            if value.is_empty() || value.contains(char::is_whitespace) {
                text.push_str(&format!("{name}={value:?}"));
            } else {
                text.push_str(&format!("{name}={value}"));
            }
        }
        text
    }

    fn emit(&self, py: Python<'_>) -> PyResult<()> {
        let logger = get_logger(py, &self.logger)?;
        if !logger
            .call_method1("isEnabledFor", (self.level,))?
            .extract::<bool>()?
        {
            return Ok(());
        }
        let fields = PyDict::new(py);
        for (name, value) in &self.pairs {
            fields.set_item(name, value)?;
        }
        let extra = PyDict::new(py);
        extra.set_item("uspacy", fields)?;
        let record = logger.call_method1(
            "makeRecord",
            (
                &self.logger,
                self.level,
                self.file.unwrap_or("<rust>"),
                self.line.unwrap_or(0),
                self.text(),
                PyTuple::empty(py),
                py.None(),
                py.None(),
                extra,
            ),
        )?;
        logger.call_method1("handle", (record,))?;
        Ok(())
    }
}

//! `coldmailreseller._native`: the Python binding of the cmr core.
//!
//! No business logic lives here: every operation goes through
//! [`cmr::ops::call`] (JSON values in, JSON values out), errors become the
//! exception classes of `coldmailreseller._errors` (defined in Python so they
//! can carry fields), and the idiomatic API (typed methods, models, pages) is
//! the Python package around this module.
//!
//! Values cross the boundary as Python objects (dicts, lists, str, int, float,
//! bool, None) converted directly to and from `serde_json::Value`: no JSON
//! text in between (see docs/benchmarks.md for what that saved).
//!
//! Blocking calls run on the calling thread, with the GIL released, on a
//! `current_thread` runtime and connection pool of that thread
//! ([`ThreadRuntime`]). One shared multi-thread tokio runtime serves the
//! rest: async calls are tasks on it whose results come back to the asyncio
//! loop through a [`CompletionPort`] (a batch per wake-up, the GIL never
//! taken by a tokio thread), and the embedded sandbox runs on it.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

/// Worker threads of the shared runtime (async calls, the embedded sandbox):
/// `CMR_WORKER_THREADS` if set (1 to 64), else the number of CPUs capped at
/// 2. The Python thread itself decodes results; more workers than that only
/// compete with it (and with a local server) for the cores. See
/// docs/benchmarks.md.
fn worker_threads() -> usize {
    if let Some(n) = std::env::var("CMR_WORKER_THREADS").ok().and_then(|v| v.trim().parse::<usize>().ok()) {
        return n.clamp(1, 64);
    }
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(2)
}

/// The one shared runtime.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads())
            .thread_name("cmr-tokio")
            .enable_all()
            .build()
            .expect("could not start the cmr tokio runtime")
    })
}

// ---------------------------------------------------------------- values

/// Deepest nesting accepted from Python (serde_json's own parser limit).
const MAX_DEPTH: usize = 128;

/// A Python value -> JSON value: what `json.dumps` accepts (dicts with str,
/// int, float, bool or None keys; lists and tuples; str, int, float, bool,
/// None), with the same errors: `TypeError` for other types, `ValueError`
/// for NaN/infinity (which JSON cannot carry) and for nesting deeper than 128.
fn from_py(o: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err("arguments are nested too deeply"));
    }
    if o.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = o.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if o.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(o.is_truthy()?));
    }
    if o.is_instance_of::<PyInt>() {
        if let Ok(i) = o.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = o.extract::<u64>() {
            return Ok(Value::from(u));
        }
        // Larger than 64 bits: what serde_json makes of such a literal.
        return float_value(o.extract::<f64>()?);
    }
    if let Ok(f) = o.cast::<PyFloat>() {
        return float_value(f.value());
    }
    if let Ok(d) = o.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            map.insert(key(&k)?, from_py(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = o.cast::<PyList>() {
        let mut out = Vec::with_capacity(l.len());
        for v in l.iter() {
            out.push(from_py(&v, depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(t) = o.cast::<PyTuple>() {
        let mut out = Vec::with_capacity(t.len());
        for v in t.iter() {
            out.push(from_py(&v, depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    let name = o.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(PyTypeError::new_err(format!("Object of type {name} is not JSON serializable")))
}

fn float_value(f: f64) -> PyResult<Value> {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| PyValueError::new_err(format!("{f} is not a JSON number")))
}

/// A dict key as `json.dumps` writes it.
fn key(k: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = k.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if k.is_none() {
        return Ok("null".into());
    }
    if k.is_instance_of::<PyBool>() {
        return Ok(if k.is_truthy()? { "true" } else { "false" }.into());
    }
    if k.is_instance_of::<PyInt>() || k.is_instance_of::<PyFloat>() {
        return Ok(k.str()?.to_str()?.to_owned());
    }
    let name = k.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(PyTypeError::new_err(format!("keys must be str, int, float, bool or None, not {name}")))
}

/// A JSON value -> the Python value `json.loads` would give.
fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(to_py(py, x)?)?;
            }
            l.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(PyString::new(py, k), to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

fn args_value(args: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match args {
        None => Ok(Value::Null),
        Some(a) => from_py(a, 0),
    }
}

// ---------------------------------------------------------------- blocking calls

/// The runtime and connection pools of one OS thread, for its blocking calls.
///
/// A blocking call runs the whole request on the calling thread: a
/// `current_thread` runtime of its own drives the request and the
/// connection's task, so no other thread is woken per call (the shared
/// multi-thread runtime handed every request to the worker owning the
/// connection and back: two thread crossings and a wake-up per call, see
/// docs/benchmarks.md). Everything but the connections stays the client's
/// ([`cmr::client::ThreadTransports`]): the pacer keeps the rate limit
/// across threads.
///
/// Each thread that makes blocking calls has its own pool (its own
/// connections) per client; they close when the thread ends (the thread
/// local is dropped with its runtime) or, idle, after 60 s of calls on that
/// thread (idle connections are only reaped while the thread runs a call).
struct ThreadRuntime {
    /// The process that built it: after `os.fork()` the child gets a copy
    /// whose epoll instance and sockets are still the parent's.
    pid: u32,
    rt: tokio::runtime::Runtime,
    transports: std::cell::RefCell<cmr::client::ThreadTransports>,
}

thread_local! {
    static THREAD_RUNTIME: std::cell::RefCell<Option<std::rc::Rc<ThreadRuntime>>> =
        const { std::cell::RefCell::new(None) };
}

/// This thread's runtime, made on first use (and again in a forked child).
fn thread_runtime() -> PyResult<std::rc::Rc<ThreadRuntime>> {
    let pid = std::process::id();
    THREAD_RUNTIME
        .try_with(|slot| {
            let mut slot = slot.try_borrow_mut().map_err(|_| nested_call())?;
            if let Some(t) = slot.as_ref() {
                if t.pid == pid {
                    return Ok(t.clone());
                }
                // A copy inherited through fork(): its epoll instance and
                // sockets are shared with the parent, so dropping it would
                // deregister the parent's connections. Leak it instead.
                if let Some(inherited) = slot.take() {
                    std::mem::forget(inherited);
                }
            }
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| PyRuntimeError::new_err(format!("could not start a cmr runtime for this thread: {e}")))?;
            let t = std::rc::Rc::new(ThreadRuntime {
                pid,
                rt,
                transports: std::cell::RefCell::new(cmr::client::ThreadTransports::new()),
            });
            *slot = Some(t.clone());
            Ok(t)
        })
        .map_err(|_| PyRuntimeError::new_err("this thread is exiting: no cmr call can start"))?
}

fn nested_call() -> PyErr {
    PyRuntimeError::new_err(
        "a blocking cmr call cannot run inside another one on the same thread (e.g. from a log handler)",
    )
}

/// Let this thread's idle connections see what happened while no call ran
/// (a server that closed them), before the request picks one from the pool.
///
/// Between calls nothing polls this thread's runtime, so a connection the
/// server closed still looks open: the request would be written into it and
/// fail once sent (a POST then cannot be retried). A `yield_now` in a
/// `current_thread` runtime polls the I/O driver (without waiting) before
/// the yielding task runs again: the first yield delivers the pending
/// readiness (the server's FIN) and schedules the connections' tasks, the
/// second lets them run, read the end of stream and leave the pool. Two
/// non-blocking `epoll_wait`s per call. A close that arrives later still
/// races, as with any client: a GET is retried, a write is reported as "may
/// have been sent". `python/tests/test_threads.py` covers both.
async fn settle_idle_connections() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// How often a blocking call checks for signals (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Run the request `make(client)` to completion on this thread's runtime,
/// through this thread's pool for `client`, with the GIL released; checks
/// for signals (Ctrl-C) every 100 ms so a blocking call can be interrupted;
/// the request is dropped (cancelled) then.
fn block_interruptibly<F, M>(py: Python<'_>, client: &cmr::Client, make: M) -> PyResult<F::Output>
where
    M: FnOnce(cmr::Client) -> F + Send,
    F: std::future::Future,
    F::Output: Send,
{
    py.detach(|| {
        let t = thread_runtime()?;
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(nested_call());
        }
        let client = {
            // Built inside the thread's runtime: its connections' tasks run there.
            let _enter = t.rt.enter();
            let mut transports = t.transports.try_borrow_mut().map_err(|_| nested_call())?;
            transports.client(client).map_err(|e| Python::attach(|py| to_pyerr(py, &e)))?
        };
        let fut = make(client);
        t.rt.block_on(async {
            settle_idle_connections().await;
            let mut fut = std::pin::pin!(fut);
            // One timer per call, first due after 100 ms: a call that ends
            // sooner never checks (never waits for the GIL).
            let start = tokio::time::Instant::now() + SIGNAL_CHECK;
            let mut tick = tokio::time::interval_at(start, SIGNAL_CHECK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    out = &mut fut => return Ok(out),
                    _ = tick.tick() => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}

/// Convert a core error into the matching `coldmailreseller._errors` exception.
fn to_pyerr(py: Python<'_>, e: &cmr::Error) -> PyErr {
    let made = py.import("coldmailreseller._errors").and_then(|m| m.getattr("_from_native")).and_then(|f| {
        f.call1((
            e.code(),
            e.message(),
            e.status(),
            e.method(),
            e.path(),
            e.body(),
            e.retry_after().map(|d| d.as_secs_f64()),
            e.may_have_been_sent(),
            e.body_truncated(),
            e.location(),
        ))
    });
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

// ---------------------------------------------------------------- async completions

/// A finished async call: the asyncio future to resolve and its outcome.
type Completion = (Py<PyAny>, cmr::Result<Value>);

#[derive(Default)]
struct PortQueue {
    done: Vec<Completion>,
    /// A wake-up is on its way to the loop (the next `drain` resets it):
    /// completions arriving meanwhile ride along with no syscall of their own.
    signalled: bool,
}

/// How a tokio thread tells the loop that completions wait.
enum Wake {
    /// Unix: one byte on a non-blocking socket whose other end the loop
    /// watches (`loop.add_reader`); no GIL needed.
    #[cfg(unix)]
    Socket(std::os::unix::net::UnixStream),
    /// Elsewhere (Windows' proactor loop has no `add_reader`): a callable,
    /// `loop.call_soon_threadsafe(drain)`, called with the GIL once per batch.
    Callback(Py<PyAny>),
}

struct PortInner {
    queue: Mutex<PortQueue>,
    wake: Wake,
}

impl PortInner {
    /// Called by the tokio task of a finished call, without the GIL.
    fn complete(&self, c: Completion) {
        let wake = {
            let Ok(mut q) = self.queue.lock() else { return };
            q.done.push(c);
            !std::mem::replace(&mut q.signalled, true)
        };
        if wake {
            match &self.wake {
                #[cfg(unix)]
                Wake::Socket(s) => {
                    use std::io::Write;
                    // WouldBlock means bytes are already waiting: a wake-up is due anyway.
                    // Other errors mean the loop is gone, and nobody awaits the result.
                    let _ = (&*s).write(&[1]);
                }
                Wake::Callback(cb) => Python::attach(|py| {
                    // Fails only once the loop is closed: nobody awaits the result then.
                    let _ = cb.call0(py);
                }),
            }
        }
    }
}

/// Where the async calls of one asyncio loop deliver their results. The
/// Python side (`coldmailreseller._client`) makes one per loop and calls
/// [`CompletionPort::drain`] on the loop's thread when woken; `drain`
/// resolves every finished call's future at once.
#[pyclass(frozen, module = "coldmailreseller._native")]
struct CompletionPort {
    inner: Arc<PortInner>,
}

#[pymethods]
impl CompletionPort {
    /// `wakeup_fd`: the write end of a socket pair (non-blocking, owned by the
    /// port from now on) whose read end the loop watches; else `wakeup`, a
    /// callable scheduling `drain` on the loop from any thread.
    #[new]
    #[pyo3(signature = (*, wakeup_fd=None, wakeup=None))]
    fn new(wakeup_fd: Option<i32>, wakeup: Option<Py<PyAny>>) -> PyResult<Self> {
        let wake = match (wakeup_fd, wakeup) {
            #[cfg(unix)]
            (Some(fd), None) => {
                use std::os::fd::FromRawFd;
                if fd < 0 {
                    return Err(PyValueError::new_err("wakeup_fd must be a file descriptor"));
                }
                // SAFETY: the caller hands the descriptor over (`socket.detach()`); the port closes it.
                let s = unsafe { std::os::unix::net::UnixStream::from_raw_fd(fd) };
                s.set_nonblocking(true).map_err(|e| PyValueError::new_err(format!("wakeup_fd: {e}")))?;
                Wake::Socket(s)
            }
            (None, Some(cb)) => Wake::Callback(cb),
            _ => return Err(PyValueError::new_err("give exactly one of wakeup_fd (Unix) or wakeup")),
        };
        Ok(CompletionPort { inner: Arc::new(PortInner { queue: Mutex::new(PortQueue::default()), wake }) })
    }

    /// Resolve the futures of every call finished since the last drain (on
    /// the loop's thread). A future already done (cancelled) is left alone.
    /// Returns how many were resolved.
    fn drain(&self, py: Python<'_>) -> PyResult<usize> {
        let batch = {
            let mut q = self.inner.queue.lock().map_err(|_| PyRuntimeError::new_err("completion queue poisoned"))?;
            q.signalled = false;
            std::mem::take(&mut q.done)
        };
        // Every future of the batch is settled even if one fails (the
        // others would otherwise wait forever); the first failure is raised.
        let mut n = 0;
        let mut first_err = None;
        for (fut, result) in batch {
            match resolve(py, fut.bind(py), result) {
                Ok(true) => n += 1,
                Ok(false) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    fn __repr__(&self) -> String {
        "CompletionPort()".into()
    }
}

/// Settle one future with a call's outcome; `false` when it was already
/// done (cancelled by its awaiter).
fn resolve(py: Python<'_>, fut: &Bound<'_, PyAny>, result: cmr::Result<Value>) -> PyResult<bool> {
    if fut.call_method0(pyo3::intern!(py, "done"))?.is_truthy()? {
        return Ok(false);
    }
    match result.map_err(|e| to_pyerr(py, &e)).and_then(|v| to_py(py, &v)) {
        Ok(v) => fut.call_method1(pyo3::intern!(py, "set_result"), (v,))?,
        Err(e) => fut.call_method1(pyo3::intern!(py, "set_exception"), (e.into_value(py),))?,
    };
    Ok(true)
}

/// An async call in flight; `cancel()` drops it (its request with it).
#[pyclass(frozen, module = "coldmailreseller._native")]
struct PendingCall {
    abort: tokio::task::AbortHandle,
}

#[pymethods]
impl PendingCall {
    fn cancel(&self) {
        self.abort.abort();
    }
}

/// Run `fut` on the runtime; its outcome resolves the asyncio future `py_fut` through `port`.
fn submit<F>(port: &CompletionPort, py_fut: &Bound<'_, PyAny>, fut: F) -> PendingCall
where
    F: std::future::Future<Output = cmr::Result<Value>> + Send + 'static,
{
    let port = port.inner.clone();
    let py_fut = py_fut.clone().unbind();
    let handle = runtime().spawn(async move {
        let out = cmr::error::catch_unwind(fut).await;
        port.complete((py_fut, out));
    });
    PendingCall { abort: handle.abort_handle() }
}

/// Arguments arrive as JSON text (the Python layer builds them).
fn parse_json(what: &str, s: Option<&str>) -> PyResult<Value> {
    match s {
        None => Ok(Value::Null),
        Some(s) => serde_json::from_str(s).map_err(|e| PyValueError::new_err(format!("{what} is not valid JSON: {e}"))),
    }
}

fn envelope_value(env: &cmr::models::Envelope) -> PyResult<Value> {
    serde_json::to_value(env).map_err(|e| PyRuntimeError::new_err(format!("could not encode the envelope: {e}")))
}

fn to_json_text(v: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| PyRuntimeError::new_err(format!("could not encode the result: {e}")))
}

/// A number of seconds from Python, checked by the core (never a panic, even
/// for `1e300` or `nan`): a `cmr.ValidationError` when out of range.
fn seconds(what: &str, s: Option<f64>) -> PyResult<Option<Duration>> {
    match s {
        None => Ok(None),
        Some(v) => cmr::config::seconds(what, v).map(Some).map_err(|e| Python::attach(|py| to_pyerr(py, &e))),
    }
}

fn method(m: &str) -> PyResult<cmr::Method> {
    cmr::Method::parse(m).ok_or_else(|| PyValueError::new_err(format!("unknown HTTP method {m:?}")))
}

/// Forwards the core's log records to a Python `logging.Logger`. Only
/// records the client's level lets through reach here, so the GIL is taken
/// only when something is logged.
struct PyLogSink {
    logger: Py<PyAny>,
}

impl cmr::LogSink for PyLogSink {
    fn log(&self, record: &cmr::LogRecord) {
        let level: u8 = match record.level {
            cmr::LogLevel::Debug => 10,
            cmr::LogLevel::Info => 20,
            cmr::LogLevel::Warn | cmr::LogLevel::Off => 30,
        };
        Python::attach(|py| {
            let sent = (|| -> PyResult<()> {
                let fields = pyo3::types::PyDict::new(py);
                for (k, v) in &record.fields {
                    fields.set_item(*k, v)?;
                }
                let extra = pyo3::types::PyDict::new(py);
                extra.set_item("cmr", fields)?;
                let kwargs = pyo3::types::PyDict::new(py);
                kwargs.set_item("extra", extra)?;
                // "%s" keeps `%` in paths or bodies from being read as format specs.
                self.logger.call_method(py, "log", (level, "%s", record.message.as_str()), Some(&kwargs))?;
                Ok(())
            })();
            // A failing handler must not fail the request; Python prints it.
            if let Err(e) = sent {
                e.print(py);
            }
        });
    }
}

/// A configured core client. The Python `cmr.Client` / `cmr.AsyncClient` wrap it.
#[pyclass(frozen, module = "coldmailreseller._native")]
struct NativeClient {
    inner: cmr::Client,
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        api_key=None, base_url=None, *, sandbox=false, timeout=None, connect_timeout=None, max_retries=None,
        retry_base_delay=None, retry_max_delay=None, retry_after_cap=None, requests_per_second=None,
        user_agent_prefix=None, allow_insecure_http=false, max_response_bytes=None, log_level=None, logger=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        sandbox: bool,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        retry_base_delay: Option<f64>,
        retry_max_delay: Option<f64>,
        retry_after_cap: Option<f64>,
        requests_per_second: Option<f64>,
        user_agent_prefix: Option<String>,
        allow_insecure_http: bool,
        max_response_bytes: Option<usize>,
        log_level: Option<&str>,
        logger: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let mut b = cmr::Client::builder().sandbox(sandbox);
        if let Some(l) = log_level {
            let level = cmr::LogLevel::parse(l)
                .ok_or_else(|| PyValueError::new_err(format!("log_level must be debug, info, warn or off, got {l:?}")))?;
            b = b.log_level(level);
        }
        if let Some(logger) = logger {
            b = b.log_sink(std::sync::Arc::new(PyLogSink { logger }));
        }
        if let Some(k) = api_key {
            b = b.api_key(k);
        }
        if let Some(u) = base_url {
            b = b.base_url(u);
        }
        if let Some(d) = seconds("timeout", timeout)? {
            b = b.timeout(d);
        }
        if let Some(d) = seconds("connect_timeout", connect_timeout)? {
            b = b.connect_timeout(d);
        }
        if let Some(n) = max_retries {
            b = b.max_retries(n);
        }
        if let Some(d) = seconds("retry_base_delay", retry_base_delay)? {
            b = b.retry_base_delay(d);
        }
        if let Some(d) = seconds("retry_max_delay", retry_max_delay)? {
            b = b.retry_max_delay(d);
        }
        if let Some(d) = seconds("retry_after_cap", retry_after_cap)? {
            b = b.retry_after_cap(d);
        }
        if let Some(r) = requests_per_second {
            b = b.requests_per_second(r);
        }
        if let Some(n) = max_response_bytes {
            b = b.max_response_bytes(n);
        }
        b = b.allow_insecure_http(allow_insecure_http);
        b = b.user_agent_prefix(user_agent_prefix.unwrap_or_else(|| format!("cmr-python/{}", cmr::VERSION)));
        // Built inside the shared runtime's context, where its connections run.
        let _guard = runtime().enter();
        let inner = b.build().map_err(|e| to_pyerr(py, &e))?;
        Ok(NativeClient { inner })
    }

    /// A view of this client with other per-request options (shares the connection pool).
    #[pyo3(signature = (*, timeout=None, max_retries=None, headers=None))]
    fn with_options(
        &self,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        headers: Option<Vec<(String, String)>>,
    ) -> PyResult<NativeClient> {
        let options = cmr::RequestOptions {
            timeout: seconds("timeout", timeout)?,
            max_retries,
            headers: headers.unwrap_or_default(),
        };
        // Checked now, so `with_options` itself raises on a bad value.
        cmr::config::check_options(&options).map_err(|e| Python::attach(|py| to_pyerr(py, &e)))?;
        Ok(NativeClient { inner: self.inner.with_options(options) })
    }

    #[getter]
    fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    #[getter]
    fn is_sandbox(&self) -> bool {
        self.inner.is_sandbox()
    }

    /// Call operation `op` (a route-table name) with camelCase arguments (a
    /// dict of JSON-ready values); blocks (without the GIL) and returns the
    /// result as plain Python values (dicts, lists, ...).
    #[pyo3(signature = (op, args=None))]
    fn call<'py>(&self, py: Python<'py>, op: &str, args: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let args = args_value(args)?;
        let call = |c: cmr::Client| async move { cmr::error::catch_unwind(cmr::ops::call(&c, op, args)).await };
        match block_interruptibly(py, &self.inner, call)? {
            Ok(v) => to_py(py, &v),
            Err(e) => Err(to_pyerr(py, &e)),
        }
    }

    /// [`NativeClient::call`] for asyncio: starts the call and returns at
    /// once; `future` (of the running loop) is resolved through `port`.
    #[pyo3(signature = (op, args, future, port))]
    fn call_async(
        &self,
        op: &str,
        args: Option<&Bound<'_, PyAny>>,
        future: &Bound<'_, PyAny>,
        port: &CompletionPort,
    ) -> PyResult<PendingCall> {
        let args = args_value(args)?;
        let client = self.inner.clone();
        let op = op.to_owned();
        Ok(submit(port, future, async move { cmr::ops::call(&client, &op, args).await }))
    }

    /// Raw escape hatch: any method and path (relative to the base URL);
    /// returns the decoded envelope `{status, message, data, actionId, ...}`.
    #[pyo3(signature = (method, path, query=None, body=None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        path: &str,
        query: Option<Vec<(String, String)>>,
        body: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let m = self::method(method)?;
        let body = body.map(|b| from_py(b, 0)).transpose()?;
        let query = query.unwrap_or_default();
        let call = |c: cmr::Client| async move { cmr::error::catch_unwind(c.request(m, path, &query, body)).await };
        match block_interruptibly(py, &self.inner, call)? {
            Ok(env) => to_py(py, &envelope_value(&env)?),
            Err(e) => Err(to_pyerr(py, &e)),
        }
    }

    /// [`NativeClient::request`] for asyncio (see [`NativeClient::call_async`]).
    #[pyo3(signature = (method, path, query, body, future, port))]
    #[allow(clippy::too_many_arguments)]
    fn request_async(
        &self,
        method: &str,
        path: String,
        query: Option<Vec<(String, String)>>,
        body: Option<&Bound<'_, PyAny>>,
        future: &Bound<'_, PyAny>,
        port: &CompletionPort,
    ) -> PyResult<PendingCall> {
        let m = self::method(method)?;
        let body = body.map(|b| from_py(b, 0)).transpose()?;
        let query = query.unwrap_or_default();
        let client = self.inner.clone();
        Ok(submit(port, future, async move {
            let env = client.request(m, &path, &query, body).await?;
            serde_json::to_value(&env).map_err(|e| cmr::Error::new(cmr::ErrorKind::Decode, format!("could not encode the envelope: {e}")))
        }))
    }

    fn __repr__(&self) -> String {
        format!("NativeClient(base_url={:?})", self.inner.base_url())
    }
}

/// Every operation name, in route-table order.
#[pyfunction]
fn operations() -> Vec<&'static str> {
    cmr::ops::names().collect()
}

/// Is this operation paginated?
#[pyfunction]
fn is_paginated(op: &str) -> bool {
    cmr::ops::is_paginated(op)
}

/// Verify a webhook delivery (signature and timestamp tolerance).
#[pyfunction]
#[pyo3(signature = (raw_body, headers, secret, tolerance=300.0, now=None))]
fn webhook_verify(
    py: Python<'_>,
    raw_body: &[u8],
    headers: Vec<(String, String)>,
    secret: &str,
    tolerance: f64,
    now: Option<i64>,
) -> PyResult<()> {
    let tol = cmr::webhooks::tolerance_from_secs(tolerance).map_err(|e| to_pyerr(py, &e))?;
    let r = cmr::error::catch_unwind_sync(|| match now {
        Some(now) => cmr::webhooks::verify_at(raw_body, &headers, secret, tol, now),
        None => cmr::webhooks::verify(raw_body, &headers, secret, tol),
    });
    r.map_err(|e| to_pyerr(py, &e))
}

/// Parse a webhook body into the core's typed event, returned as JSON
/// `{event, eventId, data: {type, data}, raw}`.
#[pyfunction]
fn webhook_parse(py: Python<'_>, raw_body: &[u8]) -> PyResult<String> {
    let ev = cmr::error::catch_unwind_sync(|| cmr::webhooks::parse(raw_body)).map_err(|e| to_pyerr(py, &e))?;
    to_json_text(&ev)
}

/// The signature header value for a body (to test your own endpoint).
#[pyfunction]
fn webhook_sign(secret: &str, timestamp: i64, raw_body: &[u8]) -> String {
    cmr::webhooks::sign(secret, timestamp, raw_body)
}

/// Check a de-duplication TTL (seconds); returns it, or raises `ValidationError`.
#[pyfunction]
fn webhook_dedupe_ttl(py: Python<'_>, ttl: f64) -> PyResult<f64> {
    cmr::webhooks::dedupe_ttl_from_secs(ttl).map(|d| d.as_secs_f64()).map_err(|e| to_pyerr(py, &e))
}

/// The key an event id is stored under (raises `ValidationError` when empty).
#[pyfunction]
fn webhook_dedupe_key(py: Python<'_>, event_id: &str) -> PyResult<String> {
    cmr::webhooks::dedupe_key(event_id).map_err(|e| to_pyerr(py, &e))
}

/// The id a parsed event (its whole body as JSON text) is de-duplicated on.
#[pyfunction]
fn webhook_event_key(raw_json: &str) -> PyResult<String> {
    let v = parse_json("raw_json", Some(raw_json))?;
    Ok(cmr::webhooks::event_key_of_value(&v))
}

/// The core's in-memory event de-duplicator (TTL, bounded, thread-safe).
#[pyclass(frozen, module = "coldmailreseller._native")]
struct EventDeduplicator {
    inner: cmr::webhooks::EventDeduplicator,
}

#[pymethods]
impl EventDeduplicator {
    #[new]
    #[pyo3(signature = (ttl, capacity))]
    fn new(py: Python<'_>, ttl: f64, capacity: u64) -> PyResult<Self> {
        let ttl = cmr::webhooks::dedupe_ttl_from_secs(ttl).map_err(|e| to_pyerr(py, &e))?;
        let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
        let inner = cmr::webhooks::EventDeduplicator::in_memory(ttl, capacity).map_err(|e| to_pyerr(py, &e))?;
        Ok(EventDeduplicator { inner })
    }

    /// True when `event_id` was already seen within the TTL; else records it.
    fn seen(&self, py: Python<'_>, event_id: &str) -> PyResult<bool> {
        self.inner.seen(event_id).map_err(|e| to_pyerr(py, &e))
    }

    /// Forget `event_id` so that its next delivery is processed.
    fn forget(&self, py: Python<'_>, event_id: &str) -> PyResult<()> {
        self.inner.forget(event_id).map_err(|e| to_pyerr(py, &e))
    }

    fn __repr__(&self) -> String {
        format!("EventDeduplicator(ttl={})", self.inner.ttl().as_secs_f64())
    }
}

/// The embedded sandbox server, running on the shared runtime.
#[pyclass(frozen, module = "coldmailreseller._native")]
struct Sandbox {
    inner: Mutex<Option<cmr_sandbox::Sandbox>>,
    base_url: String,
    url: String,
    api_key: String,
}

impl Sandbox {
    fn with_running<T>(&self, f: impl FnOnce(&cmr_sandbox::Sandbox) -> T) -> PyResult<T> {
        let guard = self.inner.lock().map_err(|_| PyRuntimeError::new_err("sandbox lock poisoned"))?;
        match guard.as_ref() {
            Some(sb) => Ok(f(sb)),
            None => Err(PyRuntimeError::new_err("the sandbox is stopped")),
        }
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (*, port=0, api_key=None, webhook_url=None, webhook_secret=None, rate_limit=None, wallet_balance=None, data_file=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        port: u16,
        api_key: Option<String>,
        webhook_url: Option<String>,
        webhook_secret: Option<String>,
        rate_limit: Option<u32>,
        wallet_balance: Option<f64>,
        data_file: Option<std::path::PathBuf>,
    ) -> PyResult<Self> {
        let mut opts = cmr_sandbox::SandboxOptions { port, webhook_url, webhook_secret, rate_limit, data_file, ..Default::default() };
        if let Some(k) = api_key {
            opts.api_key = k;
        }
        if let Some(b) = wallet_balance {
            opts.wallet_balance = b;
        }
        let sb = py
            .detach(|| runtime().block_on(cmr_sandbox::Sandbox::start(opts)))
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        Ok(Sandbox { base_url: sb.base_url(), url: sb.url(), api_key: sb.api_key().to_string(), inner: Mutex::new(Some(sb)) })
    }

    /// `http://127.0.0.1:PORT/api/v1/integration`: the client's base URL.
    #[getter]
    fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `http://127.0.0.1:PORT`: the control API lives under `/__sandbox` here.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The accepted partner key.
    #[getter]
    fn api_key(&self) -> String {
        self.api_key.clone()
    }

    /// The webhook signing secret now in force.
    #[getter]
    fn webhook_secret(&self) -> PyResult<String> {
        self.with_running(|sb| sb.webhook_secret())
    }

    #[getter]
    fn running(&self) -> bool {
        self.inner.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Run a control operation (`reset`, `seed`, `advance`, `configure`,
    /// `inject_fault`, ...: `cmr_sandbox::CONTROL_OPS`) with JSON arguments and
    /// return its JSON answer: the sandbox's typed control, without HTTP.
    /// A refused input raises `ValueError`.
    #[pyo3(signature = (op, args_json=None))]
    fn control(&self, py: Python<'_>, op: &str, args_json: Option<&str>) -> PyResult<String> {
        let args = match args_json {
            None => Value::Null,
            Some(t) => serde_json::from_str(t).map_err(|e| PyValueError::new_err(format!("control arguments are not valid JSON: {e}")))?,
        };
        let ctl = self.with_running(|sb| sb.control())?;
        match py.detach(|| runtime().block_on(cmr::error::catch_unwind(ctl.call(op, args)))) {
            Ok(v) => Ok(v.to_string()),
            Err(e) if e.status == 400 || e.status == 404 => {
                Err(PyValueError::new_err(format!("sandbox control {op} refused ({}): {}", e.status, e.message)))
            }
            Err(e) => Err(PyRuntimeError::new_err(format!("sandbox control {op} failed: {}", e.message))),
        }
    }

    /// Stop serving (idempotent).
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self.inner.lock().map_err(|_| PyRuntimeError::new_err("sandbox lock poisoned"))?.take();
        if let Some(sb) = taken {
            py.detach(|| runtime().block_on(sb.shutdown()));
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("Sandbox(url={:?})", self.url)
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<Sandbox>()?;
    m.add_class::<CompletionPort>()?;
    m.add_class::<PendingCall>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(is_paginated, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_verify, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_parse, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_sign, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_dedupe_ttl, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_dedupe_key, m)?)?;
    m.add_function(wrap_pyfunction!(webhook_event_key, m)?)?;
    m.add_class::<EventDeduplicator>()?;
    m.add("DEFAULT_DEDUPE_TTL", cmr::webhooks::DEFAULT_DEDUPE_TTL.as_secs_f64())?;
    m.add("DEFAULT_DEDUPE_CAPACITY", cmr::webhooks::DEFAULT_DEDUPE_CAPACITY)?;
    m.add("__version__", cmr::VERSION)?;
    m.add("DEFAULT_API_KEY", cmr_sandbox::DEFAULT_API_KEY)?;
    m.add("SANDBOX_CONTROL_OPS", cmr_sandbox::CONTROL_OPS.to_vec())?;
    m.add("SIGNATURE_HEADER", cmr::webhooks::SIGNATURE_HEADER)?;
    m.add("TIMESTAMP_HEADER", cmr::webhooks::TIMESTAMP_HEADER)?;
    Ok(())
}

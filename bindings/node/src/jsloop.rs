//! Calls driven on the JavaScript thread, by Node's own event loop (Linux).
//!
//! A call used to run on a tokio worker thread: the JavaScript thread woke
//! the worker, the worker wrote the request, slept until the answer, then
//! woke the JavaScript thread with the outcome. Two thread wake-ups per call
//! more than a client written in JavaScript (`undici`), which writes and
//! reads the socket on the JavaScript thread itself; on a small machine those
//! wake-ups cost more than everything the Rust HTTP stack saves
//! (docs/benchmarks.md, "Node").
//!
//! Here each JavaScript thread gets a single-threaded tokio runtime of its
//! own, with its own connection pool (`cmr::client::ThreadTransports`), and libuv
//! tells us when to run it:
//! * the runtime's epoll descriptor is watched by a `uv_poll` handle of the
//!   thread's loop, so an answer arriving on any connection of the runtime
//!   makes libuv call `drive` on the JavaScript thread, as it calls undici's
//!   socket callbacks; the calls a JavaScript turn starts are spawned by a
//!   drive in libuv's prepare phase (a `uv_prepare` handle, active only while
//!   calls wait to be spawned), right before libuv waits for I/O;
//! * `drive` runs the runtime's ready tasks until its epoll descriptor has
//!   nothing left to report. It never blocks: an `on_thread_park` hook turns
//!   the runtime's wait into a zero-timeout poll. Then it hands the outcomes
//!   to each client's batch callback itself (`napi_make_callback`, so promise
//!   reactions run right after, as after any I/O callback), and runs again
//!   while those callbacks started new calls; when the last call in flight
//!   settles, its outcome is handed over from inside the drive (`flush_now`),
//!   so a caller making one call at a time has its next request written in
//!   the same drive;
//! * a `uv_timer` repeating every [`TICK_MS`] ms while calls are in flight
//!   drives tokio's timers (timeouts, retry back-off, pacing), whose deadlines
//!   libuv does not know, and bounds the delay of the one event a drive can
//!   leave pending (one that lands between the last readiness check and the
//!   runtime's final zero-timeout poll).
//!
//! Nothing about a call changes: the same core futures (validation,
//! redaction, retries, limits) run, only on another executor. The handles are
//! unreferenced (they never keep the process alive; the TypeScript layer's
//! timer does while calls are in flight); an environment cleanup hook
//! closes them and shuts the runtime down, so a worker thread exits cleanly
//! and leaves no descriptor (epoll, sockets) behind.
//!
//! Linux only (`jsloop_other.rs` elsewhere). Used when the runtime's epoll
//! descriptor can be identified (the new `anon_inode:[eventpoll]`
//! descriptors in `/proc/self/fd` after the runtime is built all watch the
//! same descriptors) and `CMR_NODE_DRIVER` is not `threads`; otherwise calls
//! run on the shared multi-thread runtime as before.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::os::raw::{c_int, c_void};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::{Poll, Waker};

use napi::sys;

/// Period of the timer that drives tokio's timers while calls are in flight.
pub const TICK_MS: u64 = 2;

/// A drive returns to libuv after this many rounds even if the runtime still
/// has events (libuv calls it again at once: other callbacks get their turn).
const MAX_ROUNDS: u32 = 64;

/// A drive hands outcomes to JavaScript and runs the calls that started at
/// most this many times before it returns to libuv.
const MAX_TURNS: u32 = 8;

// libuv, as exported by the node binary (uv.h). The handle types are opaque:
// their size comes from `uv_handle_size`, and `data` (unused) is not touched.
type UvLoop = c_void;
type UvHandle = c_void;
const UV_POLL: c_int = 8;
const UV_PREPARE: c_int = 9;
const UV_TIMER: c_int = 13;
const UV_READABLE: c_int = 1;

extern "C" {
    fn uv_handle_size(kind: c_int) -> usize;
    fn uv_poll_init(lp: *mut UvLoop, handle: *mut UvHandle, fd: c_int) -> c_int;
    fn uv_poll_start(
        handle: *mut UvHandle,
        events: c_int,
        cb: extern "C" fn(*mut UvHandle, c_int, c_int),
    ) -> c_int;
    fn uv_poll_stop(handle: *mut UvHandle) -> c_int;
    fn uv_prepare_init(lp: *mut UvLoop, handle: *mut UvHandle) -> c_int;
    fn uv_prepare_start(handle: *mut UvHandle, cb: extern "C" fn(*mut UvHandle)) -> c_int;
    fn uv_prepare_stop(handle: *mut UvHandle) -> c_int;
    fn uv_timer_init(lp: *mut UvLoop, handle: *mut UvHandle) -> c_int;
    fn uv_timer_start(
        handle: *mut UvHandle,
        cb: extern "C" fn(*mut UvHandle),
        timeout: u64,
        repeat: u64,
    ) -> c_int;
    fn uv_timer_stop(handle: *mut UvHandle) -> c_int;
    fn uv_unref(handle: *mut UvHandle);
    fn uv_close(handle: *mut UvHandle, cb: Option<extern "C" fn(*mut UvHandle)>);
}

type Call = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// One JavaScript thread's runtime and its libuv handles.
pub struct JsLoop {
    /// `None` once the environment is gone.
    rt: RefCell<Option<tokio::runtime::Runtime>>,
    transports: RefCell<cmr::client::ThreadTransports>,
    poll: *mut UvHandle,
    prepare: *mut UvHandle,
    timer: *mut UvHandle,
    timer_on: Cell<bool>,
    prepare_on: Cell<bool>,
    /// The environment is gone and the handles are closed (and freed).
    closed: Cell<bool>,
    /// This thread's environment, and the async context the batch callbacks
    /// are called in (see [`flush`]).
    env: sys::napi_env,
    async_ctx: sys::napi_async_context,
}

/// A client's queue of outcomes, as the loop sees it.
pub trait Batch: Send + Sync {
    /// Everything queued, as the JSON text of one array.
    fn drain(&self) -> String;
    /// Wake the JavaScript thread through the threadsafe function.
    fn wake_async(&self);
}

/// A client's batch callback (`onEvents`), held by a reference so that the
/// loop can call it directly, on its thread, right after a drive: no
/// threadsafe-function round (an extra libuv wake-up) for outcomes that were
/// produced on the JavaScript thread itself. Deleted with the last native
/// client that shares it (a finalizer, on the JavaScript thread).
pub struct DirectCallback {
    env: sys::napi_env,
    fref: sys::napi_ref,
}

impl DirectCallback {
    /// A reference to `f` (a function of `env`).
    pub fn new(env: &napi::Env, f: sys::napi_value) -> Option<Rc<DirectCallback>> {
        let mut fref = std::ptr::null_mut();
        // SAFETY: `f` is a live value of `env`, on its thread.
        let status = unsafe { sys::napi_create_reference(env.raw(), f, 1, &mut fref) };
        (status == sys::Status::napi_ok).then(|| Rc::new(DirectCallback { env: env.raw(), fref }))
    }
}

impl Drop for DirectCallback {
    fn drop(&mut self) {
        // SAFETY: created on this thread by `new`, deleted once.
        unsafe { sys::napi_delete_reference(self.env, self.fref) };
    }
}

type Registered = (usize, std::sync::Weak<dyn Batch>, Weak<DirectCallback>);

thread_local! {
    /// This thread's loop: `None` before the first try, `Some(None)` when it
    /// could not be set up (calls use the multi-thread runtime).
    static LOOP: RefCell<Option<Option<Rc<JsLoop>>>> = const { RefCell::new(None) };
    /// Calls of this thread's loop not settled yet.
    static IN_FLIGHT: Cell<usize> = const { Cell::new(0) };
    /// Set by the park hook: the runtime has no task to run and its epoll
    /// descriptor had nothing to report.
    static IDLE: Cell<bool> = const { Cell::new(false) };
    /// Rounds of the current drive (park hook calls).
    static ROUNDS: Cell<u32> = const { Cell::new(0) };
    /// The current drive's waker, woken by the park hook.
    static DRIVE_WAKER: RefCell<Option<Waker>> = const { RefCell::new(None) };
    /// Calls started since the last drive, spawned by the next one.
    static STARTED: RefCell<Vec<Call>> = const { RefCell::new(Vec::new()) };
    /// Set while this thread drives its runtime (a drive never nests).
    static IN_DRIVE: Cell<bool> = const { Cell::new(false) };
    /// Queues whose callback can be called directly on this thread.
    static DIRECT: RefCell<Vec<Registered>> = const { RefCell::new(Vec::new()) };
    /// Queues that turned non-empty during the current drive.
    static TO_FLUSH: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// This thread's runtime's epoll descriptor (for the park hook; set once).
    static EPFD: Cell<c_int> = const { Cell::new(-1) };
    /// libuv just reported the epoll descriptor readable and nothing has
    /// read it since: the next park hook need not ask (one `poll` less per
    /// answer).
    static KNOWN_READABLE: Cell<bool> = const { Cell::new(false) };
}

fn readable(fd: c_int) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    unsafe { libc::poll(&mut p, 1, 0) > 0 && p.revents & libc::POLLIN != 0 }
}

/// Open `anon_inode:[eventpoll]` descriptors of this process.
fn eventpoll_fds() -> Option<HashSet<c_int>> {
    let mut set = HashSet::new();
    for entry in std::fs::read_dir("/proc/self/fd").ok()? {
        let entry = entry.ok()?;
        if let Ok(target) = std::fs::read_link(entry.path()) {
            if target.as_os_str() == "anon_inode:[eventpoll]" {
                if let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse().ok()) {
                    set.insert(fd);
                }
            }
        }
    }
    Some(set)
}

/// The descriptor of the one epoll instance `fds` refer to: tokio holds its
/// epoll twice (mio's `Poll` and a `dup` for its registry), so the new
/// descriptors must all watch the same descriptors (`tfd:` lines of
/// `/proc/self/fdinfo`, never empty: the runtime's waker is registered).
fn one_epoll(mut fds: Vec<c_int>) -> Option<c_int> {
    fds.sort_unstable();
    let watched = |fd: c_int| -> Option<Vec<String>> {
        let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).ok()?;
        let tfd: Vec<String> = info
            .lines()
            .filter(|l| l.starts_with("tfd:"))
            .map(str::to_string)
            .collect();
        (!tfd.is_empty()).then_some(tfd)
    };
    let first = *fds.first()?;
    let w = watched(first)?;
    for &fd in &fds[1..] {
        if watched(fd)? != w {
            return None;
        }
    }
    Some(first)
}

/// Hand the queued outcomes to JavaScript from inside the drive, as soon as
/// the last call in flight has settled, instead of after the drive's final
/// readiness check: a caller making one call at a time (the usual script)
/// gets its result and starts its next call, whose request is written in the
/// same drive, two syscalls and a runtime exit and entry earlier
/// (docs/benchmarks.md, "Node"). With several calls in flight the outcomes
/// still go in one batch per drive. JavaScript run here may start calls
/// (`JsLoop::spawn` queues them on the running runtime) and anything else a
/// callback may do; it cannot reach the runtime's `RefCell` mutably (only
/// the environment's cleanup hook does, never from a callback).
fn flush_now() {
    if IN_DRIVE.get() && TO_FLUSH.with(|t| !t.borrow().is_empty()) {
        with_loop(|l| l.flush());
    }
}

/// Called by tokio on this thread each time its runtime would wait: record
/// whether anything is pending, and make the wait a zero-timeout poll by
/// waking the drive (which then returns, or runs another round).
fn on_park() {
    IDLE.set(!(KNOWN_READABLE.take() || readable(EPFD.get())));
    ROUNDS.set(ROUNDS.get() + 1);
    if let Some(w) = DRIVE_WAKER.take() {
        w.wake();
    }
}

extern "C" fn on_readable(_h: *mut UvHandle, status: c_int, _events: c_int) {
    KNOWN_READABLE.set(status == 0);
    with_loop(|l| l.drive());
    KNOWN_READABLE.set(false);
}

/// The prepare handle (calls to spawn) and the timer (tokio's timers).
extern "C" fn on_prepare_or_tick(_h: *mut UvHandle) {
    with_loop(|l| l.drive());
}

extern "C" fn free_handle(h: *mut UvHandle) {
    // SAFETY: allocated by `alloc_handle` with the same layout.
    unsafe { libc::free(h) };
}

fn alloc_handle(kind: c_int) -> *mut UvHandle {
    // SAFETY: uv_handle_size is a pure function of the type.
    let size = unsafe { uv_handle_size(kind) };
    // SAFETY: zeroed memory of the size libuv asks for; freed in `free_handle`.
    unsafe { libc::calloc(1, size) }
}

/// Let this thread's loop call `cb` directly with `events`' batches.
pub fn register(events: &Arc<impl Batch + 'static>, cb: &Rc<DirectCallback>) {
    let key = Arc::as_ptr(events) as *const () as usize;
    let weak: std::sync::Weak<dyn Batch> = Arc::downgrade(events) as std::sync::Weak<dyn Batch>;
    DIRECT.with(|d| {
        let mut d = d.borrow_mut();
        d.retain(|(_, e, c)| e.strong_count() > 0 && c.strong_count() > 0);
        if !d.iter().any(|(k, _, _)| *k == key) {
            d.push((key, weak, Rc::downgrade(cb)));
        }
    });
}

/// Called when `events` turns non-empty: `true` when this thread is driving
/// its runtime and will hand the batch over itself, once the drive is done
/// or, for the last call in flight, at once ([`flush_now`]); else the caller
/// wakes the JavaScript thread through its threadsafe function.
pub fn defer_wake(events: *const ()) -> bool {
    if !IN_DRIVE.get() {
        return false;
    }
    let key = events as usize;
    if !DIRECT.with(|d| d.borrow().iter().any(|(k, _, _)| *k == key)) {
        return false;
    }
    TO_FLUSH.with(|t| t.borrow_mut().push(key));
    true
}

fn with_loop(f: impl FnOnce(&JsLoop)) {
    let l = LOOP.with(|s| s.borrow().clone().flatten());
    if let Some(l) = l {
        f(&l);
    }
}

impl JsLoop {
    fn new(env: &napi::Env) -> Option<Rc<JsLoop>> {
        if std::env::var("CMR_NODE_DRIVER").is_ok_and(|v| v == "threads") {
            return None;
        }
        let uv_loop = env.get_uv_event_loop().ok()? as *mut UvLoop;
        let before = eventpoll_fds()?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .on_thread_park(on_park)
            .build()
            .ok()?;
        let after = eventpoll_fds()?;
        let Some(epfd) = one_epoll(after.difference(&before).copied().collect()) else {
            // Not exactly one new epoll instance (another thread made one at
            // the same time?): the multi-thread runtime it is.
            rt.shutdown_background();
            return None;
        };
        let poll = alloc_handle(UV_POLL);
        let prepare = alloc_handle(UV_PREPARE);
        let timer = alloc_handle(UV_TIMER);
        if poll.is_null() || prepare.is_null() || timer.is_null() {
            return None;
        }
        // SAFETY: fresh handles of the right size on this thread's loop.
        unsafe {
            if uv_poll_init(uv_loop, poll, epfd) != 0 {
                free_handle(poll);
                free_handle(prepare);
                free_handle(timer);
                rt.shutdown_background();
                return None;
            }
            uv_prepare_init(uv_loop, prepare);
            uv_timer_init(uv_loop, timer);
            uv_poll_start(poll, UV_READABLE, on_readable);
            uv_unref(poll);
            uv_unref(prepare);
            uv_unref(timer);
        }
        EPFD.set(epfd);
        let raw_env = env.raw();
        let mut async_ctx = std::ptr::null_mut();
        // SAFETY: on the environment's thread; the name is a fresh string.
        unsafe {
            let mut name = std::ptr::null_mut();
            let text = "cmr.call";
            sys::napi_create_string_utf8(raw_env, text.as_ptr().cast(), text.len() as isize, &mut name);
            if sys::napi_async_init(raw_env, std::ptr::null_mut(), name, &mut async_ctx) != sys::Status::napi_ok {
                async_ctx = std::ptr::null_mut();
            }
        }
        let l = Rc::new(JsLoop {
            rt: RefCell::new(Some(rt)),
            transports: RefCell::new(cmr::client::ThreadTransports::new()),
            poll,
            prepare,
            timer,
            timer_on: Cell::new(false),
            prepare_on: Cell::new(false),
            closed: Cell::new(false),
            env: raw_env,
            async_ctx,
        });
        // When the environment goes (a worker thread ends, the process
        // exits): close the handles (a worker's loop must have none left
        // open) and shut the runtime down without waiting, which drops the
        // calls in flight and closes the pool's connections. This hook was
        // registered after the threadsafe functions of the clients that
        // existed then, so it runs before they are finalized; napi-rs makes
        // releasing an already finalized one a no-op for the others.
        let _ = env.add_env_cleanup_hook((), |_| {
            // `Some(None)` from now on: no loop on this thread any more.
            if let Some(Some(l)) = LOOP.with(|s| s.borrow_mut().replace(None)) {
                l.closed.set(true);
                // SAFETY: handles initialised above, closed once (`closed`
                // keeps every other use away from them from now on).
                unsafe {
                    uv_poll_stop(l.poll);
                    uv_prepare_stop(l.prepare);
                    uv_timer_stop(l.timer);
                    uv_close(l.poll, Some(free_handle));
                    uv_close(l.prepare, Some(free_handle));
                    uv_close(l.timer, Some(free_handle));
                }
                if let Some(rt) = l.rt.borrow_mut().take() {
                    rt.shutdown_background();
                }
                if !l.async_ctx.is_null() {
                    // SAFETY: created in `new`, destroyed once, on this thread.
                    unsafe { sys::napi_async_destroy(l.env, l.async_ctx) };
                }
            }
        });
        Some(l)
    }

    /// This thread's loop, set up on first use (`None`: use the
    /// multi-thread runtime).
    pub fn current(env: &napi::Env) -> Option<Rc<JsLoop>> {
        LOOP.with(|s| {
            let mut s = s.borrow_mut();
            if s.is_none() {
                *s = Some(JsLoop::new(env));
            }
            s.clone().flatten()
        })
    }

    /// `client` sending through this thread's connection pool.
    pub fn client(&self, client: &cmr::Client) -> cmr::Result<cmr::Client> {
        self.transports.borrow_mut().client(client)
    }

    /// Run `fut` on this thread's runtime. It is spawned by the next drive,
    /// which libuv runs right before it next waits for I/O (a `uv_prepare`
    /// handle), so the calls a JavaScript turn starts are spawned and their
    /// requests written together, without signalling the runtime.
    pub fn spawn(&self, fut: impl std::future::Future<Output = ()> + Send + 'static) {
        if self.closed.get() {
            return;
        }
        IN_FLIGHT.set(IN_FLIGHT.get() + 1);
        let call = Box::pin(async move {
            fut.await;
            let left = IN_FLIGHT.get().saturating_sub(1);
            IN_FLIGHT.set(left);
            if left == 0 {
                // The last call in flight: hand its outcome to JavaScript
                // now, from this task (see `flush_now`).
                flush_now();
            }
        });
        if IN_DRIVE.get() {
            // Started by JavaScript that a drive called (`flush_now`): the
            // runtime is running on this thread, so the call is queued on it
            // and runs before the drive returns.
            tokio::spawn(call);
            self.update_timer();
            return;
        }
        STARTED.with(|s| s.borrow_mut().push(call));
        if !self.prepare_on.replace(true) {
            // SAFETY: the handle was initialised on this thread's loop.
            unsafe { uv_prepare_start(self.prepare, on_prepare_or_tick) };
        }
        self.update_timer();
    }

    /// Run the runtime's ready tasks until its epoll descriptor reports
    /// nothing, then hand the outcomes to JavaScript; again while that
    /// JavaScript started calls (at most [`MAX_TURNS`] times). Never blocks.
    ///
    /// The repeat matters when the drive runs in libuv's prepare phase: a
    /// `uv_prepare` handle started there runs only in the next iteration,
    /// after libuv has waited for I/O, so calls started by the outcomes'
    /// callbacks would otherwise wait for the next event or tick.
    fn drive(&self) {
        if self.closed.get() || IN_DRIVE.get() {
            return;
        }
        for turn in 1..=MAX_TURNS {
            if !self.run_ready() {
                return;
            }
            self.flush();
            if self.closed.get() || STARTED.with(|s| s.borrow().is_empty()) {
                break;
            }
            if turn == MAX_TURNS {
                // Still more: have libuv come back at once rather than wait.
                self.nudge();
            }
        }
        self.update_timer();
    }

    /// One drive of the runtime: spawn the calls started since the last one,
    /// run until nothing is ready (or [`MAX_ROUNDS`] rounds). `false` once the
    /// runtime is gone.
    fn run_ready(&self) -> bool {
        let guard = self.rt.borrow();
        let Some(rt) = guard.as_ref() else {
            return false;
        };
        IDLE.set(false);
        ROUNDS.set(0);
        if self.prepare_on.replace(false) {
            // SAFETY: the handle was initialised on this thread's loop.
            unsafe { uv_prepare_stop(self.prepare) };
        }
        let mut started = Some(STARTED.with(|s| std::mem::take(&mut *s.borrow_mut())));
        IN_DRIVE.set(true);
        rt.block_on(std::future::poll_fn(|cx| {
            // Spawned from inside the runtime: queued, no wake-up needed.
            for call in started.take().into_iter().flatten() {
                tokio::spawn(call);
            }
            if IDLE.take() || ROUNDS.get() >= MAX_ROUNDS {
                DRIVE_WAKER.set(None);
                Poll::Ready(())
            } else {
                DRIVE_WAKER.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }));
        IN_DRIVE.set(false);
        true
    }

    /// Make the runtime's epoll descriptor readable (a task spawned from
    /// outside the runtime signals it), so libuv drives it without waiting.
    fn nudge(&self) {
        if let Some(rt) = self.rt.borrow().as_ref() {
            rt.spawn(async {});
        }
    }

    /// Hand every batch queued during the drive to its client's callback,
    /// in a callback scope (`napi_make_callback`: promise reactions and
    /// `process.nextTick` run after it, as after any I/O callback).
    fn flush(&self) {
        let keys = TO_FLUSH.with(|t| std::mem::take(&mut *t.borrow_mut()));
        for key in keys {
            let found = DIRECT.with(|d| {
                d.borrow().iter().find(|(k, _, _)| *k == key).map(|(_, e, c)| (e.upgrade(), c.upgrade()))
            });
            let Some((Some(events), cb)) = found else { continue };
            match cb {
                Some(cb) if !self.async_ctx.is_null() && !self.closed.get() && self.call(&cb, &*events) => {}
                // The client is gone (or its callback cannot be reached): the
                // threadsafe function still gets the batch to JavaScript.
                _ => events.wake_async(),
            }
        }
    }

    /// Drain `events` into one call of `cb`; `false` (nothing drained) when
    /// the callback cannot be reached.
    fn call(&self, cb: &DirectCallback, events: &dyn Batch) -> bool {
        let env = self.env;
        // SAFETY: on the environment's thread, outside any JavaScript frame
        // (a libuv callback), inside a handle scope of our own.
        unsafe {
            let mut scope = std::ptr::null_mut();
            if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
                return false;
            }
            let mut f = std::ptr::null_mut();
            let mut global = std::ptr::null_mut();
            let reachable = sys::napi_get_reference_value(env, cb.fref, &mut f) == sys::Status::napi_ok
                && !f.is_null()
                && sys::napi_get_global(env, &mut global) == sys::Status::napi_ok;
            if reachable {
                let batch = events.drain();
                let mut arg = std::ptr::null_mut();
                sys::napi_create_string_utf8(env, batch.as_ptr().cast(), batch.len() as isize, &mut arg);
                let mut result = std::ptr::null_mut();
                let status = sys::napi_make_callback(env, self.async_ctx, global, f, 1, &arg, &mut result);
                if status == sys::Status::napi_pending_exception {
                    // As for any callback: an uncaught exception of the process.
                    let mut e = std::ptr::null_mut();
                    if sys::napi_get_and_clear_last_exception(env, &mut e) == sys::Status::napi_ok {
                        sys::napi_fatal_exception(env, e);
                    }
                }
            }
            sys::napi_close_handle_scope(env, scope);
            reachable
        }
    }

    fn update_timer(&self) {
        if self.closed.get() {
            return;
        }
        let busy = IN_FLIGHT.get() > 0;
        if busy != self.timer_on.get() {
            // SAFETY: the timer was initialised on this thread's loop.
            unsafe {
                if busy {
                    uv_timer_start(self.timer, on_prepare_or_tick, TICK_MS, TICK_MS);
                } else {
                    uv_timer_stop(self.timer);
                }
            }
            self.timer_on.set(busy);
        }
    }
}

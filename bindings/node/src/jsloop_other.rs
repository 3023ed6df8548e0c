//! Systems other than Linux: calls always run on the addon's multi-thread
//! runtime (`jsloop.rs` finds tokio's epoll descriptor through `/proc`).

use std::rc::Rc;

/// Never built here: [`JsLoop::current`] is always `None`.
pub enum JsLoop {}

impl JsLoop {
    pub fn current(_env: &napi::Env) -> Option<Rc<JsLoop>> {
        None
    }

    pub fn client(&self, _client: &cmr::Client) -> cmr::Result<cmr::Client> {
        match *self {}
    }

    pub fn spawn(&self, _fut: impl std::future::Future<Output = ()> + Send + 'static) {
        match *self {}
    }
}

/// See `jsloop.rs` (nothing calls it here).
#[allow(dead_code)]
pub trait Batch: Send + Sync {
    fn drain(&self) -> String;
    fn wake_async(&self);
}

/// See `jsloop.rs`: never made here.
pub struct DirectCallback;

impl DirectCallback {
    pub fn new(_env: &napi::Env, _f: napi::sys::napi_value) -> Option<Rc<DirectCallback>> {
        None
    }
}

pub fn register(_events: &std::sync::Arc<impl Batch + 'static>, _cb: &Rc<DirectCallback>) {}

pub fn defer_wake(_events: *const ()) -> bool {
    false
}

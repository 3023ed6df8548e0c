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

//! `NativeClient.starter()`: `start` as a plain function whose native data
//! is a copy of the client, made with the raw Node-API.
//!
//! A `#[napi]` method pays, on every call, for finding its `this` (a private
//! property lookup), checking its type tag, registering and releasing a
//! borrow of it, and reading each string argument twice (its length, then
//! its bytes). For `start`, which a caller making one call at a time runs
//! once per request, that was about 3 % of the process's time in the Node
//! benchmark (docs/benchmarks.md, "Node"). The bound function reads its
//! client from the function's data pointer and its short strings in one
//! read into a stack buffer. It converts arguments and calls
//! `NativeClient::start_op`, nothing else.

use std::os::raw::{c_char, c_void};
use std::ptr::null_mut;

use napi::bindgen_prelude::*;
use napi::sys;

use crate::NativeClient;

/// The bound function, handed to JavaScript as is.
pub struct Bound(sys::napi_value);

impl ToNapiValue for Bound {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        Ok(val.0)
    }
}

impl TypeName for Bound {
    fn type_name() -> &'static str {
        "Function"
    }
    fn value_type() -> ValueType {
        ValueType::Function
    }
}

/// A JavaScript function calling `client.start_op`; `client` is dropped when
/// the function is garbage-collected.
pub fn bind(env: &Env, client: NativeClient) -> Result<Bound> {
    let data = Box::into_raw(Box::new(client));
    let name = "start";
    let mut f = null_mut();
    // SAFETY: on the environment's thread; `data` is a live box, owned by
    // the function from here on (freed by `finalize`, once).
    unsafe {
        let status = sys::napi_create_function(env.raw(), name.as_ptr().cast(), name.len() as isize, Some(call), data.cast(), &mut f);
        if status != sys::Status::napi_ok {
            drop(Box::from_raw(data));
            return Err(Error::from_reason("could not create the start function"));
        }
        let status = sys::napi_add_finalizer(env.raw(), f, data.cast(), Some(finalize), null_mut(), null_mut());
        if status != sys::Status::napi_ok {
            // The function is never handed out, so nothing can call it.
            drop(Box::from_raw(data));
            return Err(Error::from_reason("could not create the start function"));
        }
    }
    Ok(Bound(f))
}

unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: the box `bind` made, finalized once, on the JavaScript thread.
    drop(unsafe { Box::from_raw(data.cast::<NativeClient>()) });
}

/// `start(id, op, argsJson?)`.
unsafe extern "C" fn call(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let mut argc = 3usize;
    let mut argv = [null_mut(); 3];
    let mut data = null_mut();
    // SAFETY: a callback's own `info`, room for `argc` values.
    let ok = unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), null_mut(), &mut data) } == sys::Status::napi_ok;
    if !ok || data.is_null() {
        return throw(env, "start: no client");
    }
    // SAFETY: the box `bind` made; alive while the function is, and the
    // function is alive while it runs.
    let client = unsafe { &*data.cast::<NativeClient>() };
    let mut id = 0u32;
    // SAFETY: a value of this callback (undefined when not passed).
    if unsafe { sys::napi_get_value_uint32(env, argv[0], &mut id) } != sys::Status::napi_ok {
        return throw(env, "start: id must be a number");
    }
    let Some(op) = (unsafe { string(env, argv[1]) }) else {
        return throw(env, "start: op must be a string");
    };
    let args = if argc < 3 || unsafe { nullish(env, argv[2]) } {
        None
    } else {
        match unsafe { string(env, argv[2]) } {
            Some(a) => Some(a),
            None => return throw(env, "start: argsJson must be a string"),
        }
    };
    let e = Env::from_raw(env);
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.start_op(&e, id, op, args))).is_err() {
        return throw(env, "start: panic in the cmr addon");
    }
    null_mut()
}

/// `undefined` or `null`?
unsafe fn nullish(env: sys::napi_env, v: sys::napi_value) -> bool {
    let mut t = 0;
    // SAFETY: a value of this callback.
    let ok = unsafe { sys::napi_typeof(env, v, &mut t) } == sys::Status::napi_ok;
    ok && (t == sys::ValueType::napi_undefined || t == sys::ValueType::napi_null)
}

/// A string argument as UTF-8: one read into a stack buffer when it fits,
/// else its length first. `None` when it is not a string.
unsafe fn string(env: sys::napi_env, v: sys::napi_value) -> Option<String> {
    let mut buf = [0u8; 512];
    let mut len = 0usize;
    // SAFETY: `buf` has `buf.len()` bytes (the last one for the NUL).
    let status = unsafe { sys::napi_get_value_string_utf8(env, v, buf.as_mut_ptr().cast::<c_char>(), buf.len(), &mut len) };
    if status != sys::Status::napi_ok {
        return None;
    }
    // Node stops before a character that does not fit whole (up to 4 bytes
    // of UTF-8), so only a read that left 4 bytes or more unused is
    // certainly the whole string.
    if len + 4 < buf.len() {
        return String::from_utf8(buf[..len].to_vec()).ok();
    }
    // SAFETY: a length query (null buffer), then the read into a buffer of it.
    unsafe {
        if sys::napi_get_value_string_utf8(env, v, null_mut(), 0, &mut len) != sys::Status::napi_ok {
            return None;
        }
        let mut bytes = vec![0u8; len + 1];
        let mut written = 0usize;
        if sys::napi_get_value_string_utf8(env, v, bytes.as_mut_ptr().cast::<c_char>(), bytes.len(), &mut written) != sys::Status::napi_ok {
            return None;
        }
        bytes.truncate(written);
        String::from_utf8(bytes).ok()
    }
}

/// Throw a `TypeError` and return `undefined`.
fn throw(env: sys::napi_env, msg: &str) -> sys::napi_value {
    let text = std::ffi::CString::new(msg).unwrap_or_default();
    // SAFETY: on the callback's thread, with a NUL-terminated message.
    unsafe { sys::napi_throw_type_error(env, null_mut(), text.as_ptr()) };
    null_mut()
}

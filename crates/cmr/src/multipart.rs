//! `multipart/form-data` bodies (RFC 7578): the text fields, then the
//! profile pictures as file parts. The layout is the one reqwest's `Form`
//! wrote when the client sent through it (same part headers, same
//! name encoding), built in one buffer with its length known.

use std::borrow::Cow;

use bytes::Bytes;
use http::HeaderValue;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::error::{Error, Result};
use crate::models::ProfilePicture;

// https://url.spec.whatwg.org/#path-percent-encode-set, plus `/` and `%`:
// a part name outside it is sent as `name*=utf-8''…` (RFC 8187).
const NAME_ENCODE_SET: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'#').add(b'?').add(b'{').add(b'}').add(b'/').add(b'%');

/// The body and its `Content-Type` (with the boundary).
pub(crate) fn encode(fields: &[(String, String)], files: &[ProfilePicture]) -> Result<(Bytes, HeaderValue)> {
    for f in files {
        // A content type goes into a part header: one line, a `type/subtype`.
        let ct = f.content_type.trim();
        let valid = ct.split_once('/').is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
            && ct.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !valid || ct != f.content_type {
            return Err(Error::invalid(format!("invalid content type {:?}", f.content_type)));
        }
        // A file name goes inside a quoted header parameter.
        if f.file_name.chars().any(char::is_control) {
            return Err(Error::invalid(format!("invalid file name {:?}: control characters", f.file_name)));
        }
    }
    let boundary = format!(
        "{:016x}-{:016x}-{:016x}-{:016x}",
        rand::random::<u64>(),
        rand::random::<u64>(),
        rand::random::<u64>(),
        rand::random::<u64>()
    );
    let size: usize = fields.iter().map(|(k, v)| k.len() + v.len() + 128).sum::<usize>()
        + files.iter().map(|f| f.key.len() + f.file_name.len() + f.content_type.len() + f.data.len() + 160).sum::<usize>();
    let mut out = Vec::with_capacity(size + boundary.len() * (fields.len() + files.len() + 1));
    for (name, value) in fields {
        part_head(&mut out, &boundary, name);
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    for f in files {
        part_head(&mut out, &boundary, &f.key);
        out.extend_from_slice(b"; filename=\"");
        // RFC 7578 4.2: no `filename*`; quotes and backslashes escaped.
        out.extend_from_slice(f.file_name.replace('\\', "\\\\").replace('"', "\\\"").as_bytes());
        out.extend_from_slice(b"\"\r\nContent-Type: ");
        out.extend_from_slice(f.content_type.as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&f.data);
        out.extend_from_slice(b"\r\n");
    }
    if !fields.is_empty() || !files.is_empty() {
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    }
    let ct = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .expect("a hex boundary is a valid header value");
    Ok((Bytes::from(out), ct))
}

fn part_head(out: &mut Vec<u8>, boundary: &str, name: &str) {
    out.extend_from_slice(b"--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"\r\nContent-Disposition: form-data; ");
    match Cow::from(utf8_percent_encode(name, NAME_ENCODE_SET)) {
        Cow::Borrowed(n) => {
            out.extend_from_slice(b"name=\"");
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b"\"");
        }
        Cow::Owned(n) => {
            out.extend_from_slice(b"name*=utf-8''");
            out.extend_from_slice(n.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pic(key: &str, name: &str, ct: &str) -> ProfilePicture {
        ProfilePicture { key: key.into(), file_name: name.into(), content_type: ct.into(), data: b"PNG\0".to_vec() }
    }

    #[test]
    fn a_form_is_fields_then_files_between_boundaries() {
        let fields = vec![("domains".to_string(), "[\"a.com\"]".to_string()), ("na me/é".to_string(), "v".to_string())];
        let (body, ct) = encode(&fields, &[pic("jo@a.com", "jo \"1\".png", "image/png")]).unwrap();
        let ct = ct.to_str().unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary.len(), 67);
        let want = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"domains\"\r\n\r\n[\"a.com\"]\r\n\
             --{b}\r\nContent-Disposition: form-data; name*=utf-8''na%20me%2F%C3%A9\r\n\r\nv\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"jo@a.com\"; filename=\"jo \\\"1\\\".png\"\r\nContent-Type: image/png\r\n\r\nPNG\0\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(body.as_ref(), want.as_bytes());
        // A new boundary per body.
        let (_, ct2) = encode(&fields, &[]).unwrap();
        assert_ne!(ct2.to_str().unwrap(), ct);
    }

    #[test]
    fn header_injection_is_refused_before_sending() {
        for ct in ["image/png\r\nX-Evil: 1", "png", "", " image/png", "image/pngé"] {
            assert!(encode(&[], &[pic("a@b.c", "f.png", ct)]).is_err(), "{ct:?}");
        }
        assert!(encode(&[], &[pic("a@b.c", "f.png\r\nX: 1", "image/png")]).is_err());
        assert!(encode(&[], &[pic("a@b.c", "f\u{e9}.png", "image/png")]).is_ok());
    }
}

//! Page decoding and auto-pagination.
//!
//! CMR shapes pages differently per endpoint (`data.subscriptions` +
//! `data.pagination`, `data.inventory` + `data.currentPage`, or a bare array).
//! [`decode_page`] reads them all into one [`Page`], and computes `next_page`
//! itself: the API's own `nextPage` is not trusted past `totalPages` (the docs
//! sample says `nextPage: 2` with `totalPages: 1`).

use futures_util::stream::{self, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::models::{Extra, Page};

const ITEM_KEYS: &[&str] = &["items", "results", "records"];
const META_KEYS: &[&str] = &["pagination", "meta"];

fn num(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decode the `data` of a paginated answer. `items_key` names the array
/// (`"subscriptions"`, `"inventory"`, ...); any other array field is taken
/// when it is absent. `requested_page` is the page we asked for.
pub fn decode_page<T: DeserializeOwned>(data: &Value, items_key: &str, requested_page: u32) -> Result<Page<T>> {
    let decode_items = |v: &Value| -> Result<Vec<T>> {
        Vec::<T>::deserialize(v).map_err(|e| Error::new(ErrorKind::Decode, format!("unexpected list item: {e}")))
    };
    use serde::Deserialize;
    let (items, obj): (Vec<T>, Map<String, Value>) = match data {
        Value::Null => (Vec::new(), Map::new()),
        Value::Array(_) => (decode_items(data)?, Map::new()),
        Value::Object(o) => {
            if let Some(v) = o.get(items_key).filter(|v| !v.is_array() && !v.is_null()) {
                return Err(Error::new(ErrorKind::Decode, format!("`{items_key}` should be a list, got {v}")));
            }
            let key = std::iter::once(items_key)
                .chain(ITEM_KEYS.iter().copied())
                .find(|k| o.get(*k).is_some_and(Value::is_array))
                .map(str::to_string)
                .or_else(|| o.iter().find(|(_, v)| v.is_array()).map(|(k, _)| k.clone()));
            let items = match &key {
                Some(k) => decode_items(&o[k])?,
                None => Vec::new(),
            };
            let mut rest = o.clone();
            if let Some(k) = key {
                rest.remove(&k);
            }
            (items, rest)
        }
        other => {
            return Err(Error::new(ErrorKind::Decode, format!("expected a list, got {other}")));
        }
    };
    // Page information lives in `data.pagination` or in `data` itself.
    let mut meta = obj.clone();
    for k in META_KEYS {
        if let Some(Value::Object(m)) = obj.get(*k) {
            meta.extend(m.clone());
            meta.remove(*k);
        }
    }
    let current = num(meta.get("currentPage").or(meta.get("page"))).map(|n| n as u32).unwrap_or(requested_page.max(1));
    let total_pages = num(meta.get("totalPages")).map(|n| n as u32);
    let total_count = num(
        meta.get("totalSearchedCount")
            .or(meta.get("totalCount"))
            .or(meta.get("total"))
            .or(meta.get("totalDomains")),
    );
    let api_next = num(meta.get("nextPage")).map(|n| n as u32);
    let next_page = match total_pages {
        Some(tp) => (current < tp).then_some(current + 1),
        None => api_next.filter(|n| *n > current && !items.is_empty()),
    };
    let mut extra = meta;
    for k in ["currentPage", "page", "totalPages", "nextPage", "totalSearchedCount", "totalCount", "total"] {
        extra.remove(k);
    }
    Ok(Page { items, current_page: current, total_pages, next_page, total_count, extra: Extra(extra) })
}

/// A stream over every item of every page, fetching pages lazily.
/// `fetch(page)` fetches one page; the stream stops after the last page or
/// the first error (which it yields).
pub fn paginate<T, F, Fut>(first_page: u32, fetch: F) -> impl Stream<Item = Result<T>> + Send
where
    T: Send + 'static,
    F: Fn(u32) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Page<T>>> + Send,
{
    let state = Some(first_page.max(1));
    stream::unfold((state, fetch), |(state, fetch)| async move {
        let page = state?;
        match fetch(page).await {
            Ok(p) => {
                let next = p.next_page.filter(|n| *n > page);
                Some((Ok(p.items), (next, fetch)))
            }
            Err(e) => Some((Err(e), (None, fetch))),
        }
    })
    .flat_map(|r: Result<Vec<T>>| match r {
        Ok(items) => stream::iter(items.into_iter().map(Ok).collect::<Vec<_>>()),
        Err(e) => stream::iter(vec![Err(e)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_subscriptions_shape_and_distrusts_next_page() {
        let data = json!({"subscriptions": [{"a": 1}], "pagination": {"totalSearchedCount": 1, "currentPage": 1, "nextPage": 2, "totalPages": 1}});
        let p: Page<Value> = decode_page(&data, "subscriptions", 1).unwrap();
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.total_count, Some(1));
        assert_eq!(p.next_page, None);
    }

    #[test]
    fn reads_inventory_shape() {
        let data = json!({"inventory": [{"d": 1}, {"d": 2}], "currentPage": 2, "totalPages": 5, "totalDomains": 42, "totalMailboxes": 126});
        let p: Page<Value> = decode_page(&data, "inventory", 2).unwrap();
        assert_eq!((p.current_page, p.next_page, p.total_count), (2, Some(3), Some(42)));
        assert_eq!(p.extra.get("totalMailboxes"), Some(&json!(126)));
    }

    #[test]
    fn bare_array_is_one_page() {
        let p: Page<Value> = decode_page(&json!([1, 2]), "x", 1).unwrap();
        assert_eq!((p.items.len(), p.next_page), (2, None));
    }
}

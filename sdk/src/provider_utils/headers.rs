//! Request headers: a provider's static headers built once, merged with each call's headers.

use std::sync::OnceLock;

use http::HeaderMap;

use crate::error::Result;

/// Headers fixed for a provider (auth, version, organization...), built on first use and then
/// reused, so that a missing API key is reported by the first call, not at construction, and the
/// auth header is not formatted again for every call.
pub struct LazyHeaders {
    headers: OnceLock<HeaderMap>,
    build: Box<dyn Fn() -> Result<HeaderMap> + Send + Sync>,
}

impl LazyHeaders {
    /// Headers built by `build` on first use. A failed build is not cached: the next call tries
    /// again (the environment may have changed).
    pub fn new(build: impl Fn() -> Result<HeaderMap> + Send + Sync + 'static) -> Self {
        LazyHeaders { headers: OnceLock::new(), build: Box::new(build) }
    }

    /// Headers known up front.
    pub fn ready(headers: HeaderMap) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(headers);
        LazyHeaders { headers: cell, build: Box::new(|| Ok(HeaderMap::new())) }
    }

    /// The static headers, building them if needed.
    pub fn get(&self) -> Result<&HeaderMap> {
        if let Some(headers) = self.headers.get() {
            return Ok(headers);
        }
        let built = (self.build)()?;
        // Two racing first calls both build; one result is kept, and they are equal.
        Ok(self.headers.get_or_init(|| built))
    }

    /// The static headers with one call's headers on top (a call's header replaces a static one
    /// of the same name).
    pub fn with_call_headers(&self, call_headers: &HeaderMap) -> Result<HeaderMap> {
        Ok(combine_headers(self.get()?, call_headers))
    }
}

impl std::fmt::Debug for LazyHeaders {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `HeaderMap`'s Debug prints sensitive values as `Sensitive`.
        formatter.debug_struct("LazyHeaders").field("headers", &self.headers.get()).finish_non_exhaustive()
    }
}

/// `base` with `overrides` on top: each header name in `overrides` replaces all of its values in
/// `base`. Values are reference-counted, not copied. The map has room for the two headers a JSON
/// request adds (content type, user agent): a clone of `base` would have none to spare, and the
/// request's first insert would grow it.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use specai::provider_utils::combine_headers;
///
/// let mut provider = HeaderMap::new();
/// provider.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
/// provider.insert("anthropic-beta", HeaderValue::from_static("tools-1"));
/// let mut call = HeaderMap::new();
/// call.insert("anthropic-beta", HeaderValue::from_static("tools-2"));
/// let combined = combine_headers(&provider, &call);
/// assert_eq!(combined["anthropic-beta"], "tools-2"); // the call's header replaces the provider's
/// assert_eq!(combined["anthropic-version"], "2023-06-01");
/// ```
pub fn combine_headers(base: &HeaderMap, overrides: &HeaderMap) -> HeaderMap {
    let mut combined = HeaderMap::with_capacity(base.len() + overrides.len() + 2);
    for (name, value) in base.iter().filter(|(name, _)| !overrides.contains_key(*name)) {
        combined.append(name.clone(), value.clone());
    }
    // Every value of `overrides`, several of one name included.
    for (name, value) in overrides {
        combined.append(name.clone(), value.clone());
    }
    combined
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use http::HeaderValue;

    use super::*;
    use crate::error::Error;

    #[test]
    fn builds_once_and_retries_after_failure() {
        let builds = Arc::new(AtomicU32::new(0));
        let counter = builds.clone();
        let headers = LazyHeaders::new(move || {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(Error::MissingApiKey { provider: "P".into(), env_var: "P_KEY".into() });
            }
            let mut map = HeaderMap::new();
            map.insert("x-static", HeaderValue::from_static("1"));
            Ok(map)
        });
        assert!(headers.get().is_err());
        assert_eq!(headers.get().unwrap()["x-static"], "1");
        assert_eq!(headers.get().unwrap()["x-static"], "1");
        assert_eq!(builds.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn call_headers_override_static_ones() {
        let mut base = HeaderMap::new();
        base.insert("x-a", HeaderValue::from_static("base"));
        base.insert("x-b", HeaderValue::from_static("base"));
        let mut call = HeaderMap::new();
        call.append("x-b", HeaderValue::from_static("call1"));
        call.append("x-b", HeaderValue::from_static("call2"));
        call.insert("x-c", HeaderValue::from_static("call"));
        let combined = LazyHeaders::ready(base).with_call_headers(&call).unwrap();
        assert_eq!(combined["x-a"], "base");
        assert_eq!(combined.get_all("x-b").iter().collect::<Vec<_>>(), ["call1", "call2"]);
        assert_eq!(combined["x-c"], "call");
    }

    #[test]
    fn combined_headers_keep_every_base_value_not_overridden_and_room_for_two_more() {
        let mut base = HeaderMap::new();
        base.append("x-a", HeaderValue::from_static("a1"));
        base.append("x-a", HeaderValue::from_static("a2"));
        base.insert("x-b", HeaderValue::from_static("base"));
        let mut call = HeaderMap::new();
        call.insert("x-b", HeaderValue::from_static("call"));
        let combined = combine_headers(&base, &call);
        assert_eq!(combined.get_all("x-a").iter().collect::<Vec<_>>(), ["a1", "a2"]);
        assert_eq!(combined.get_all("x-b").iter().collect::<Vec<_>>(), ["call"]);
        assert_eq!(combined.len(), 3);
        assert!(combined.capacity() >= combined.len() + 2, "capacity {}", combined.capacity());
    }
}

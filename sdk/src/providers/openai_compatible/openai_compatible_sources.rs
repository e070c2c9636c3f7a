//! Cited sources that a vendor lists beside the message (Perplexity's `search_results` and
//! `citations`), read at the mapping's `[[sources]]` paths into URL sources.
//!
//! OpenAI's own `annotations` are read by the lean types; these lists are vendor fields, so
//! they are read from the JSON view of a completion or chunk. Every listed path is read, in
//! order, each URL once (so the titled `search_results` come before the bare `citations` they
//! repeat); a stream repeats its lists in every chunk, so URLs already sent are skipped.

use std::collections::HashSet;

use serde_json::Value;
use specai_generated::mappings::SourcePath;

use crate::provider::Source;
use crate::provider_utils::json_path::lookup;

/// The sources of a body: `(url, title)` from each of `paths` present in it, in order.
pub(crate) fn sources_in<'a>(
    value: &'a Value,
    paths: &'a [SourcePath],
) -> impl Iterator<Item = (String, Option<String>)> + 'a {
    paths.iter().flat_map(move |path| {
        let items = match lookup(value, path.path.segments) {
            Some(Value::Array(items)) => items.as_slice(),
            _ => &[],
        };
        items.iter().filter_map(move |item| {
            let url = match path.url {
                Some(url) => lookup(item, url.segments)?.as_str()?,
                None => item.as_str()?,
            };
            let title = path
                .title
                .and_then(|title| lookup(item, title.segments))
                .and_then(Value::as_str);
            Some((
                url.to_owned(),
                title.filter(|title| !title.is_empty()).map(str::to_owned),
            ))
        })
    })
}

/// The sources of a body not seen before, as URL sources numbered after those already sent.
pub(crate) fn new_sources(
    value: &Value,
    paths: &[SourcePath],
    seen: &mut HashSet<String>,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for (url, title) in sources_in(value, paths) {
        if seen.insert(url.clone()) {
            sources.push(Source::Url {
                id: format!("source-{}", seen.len() - 1),
                url,
                title,
                provider_metadata: None,
            });
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::by_id;

    use super::*;

    #[test]
    fn perplexity_search_results_then_citations_each_url_once() {
        let paths = by_id("perplexity").unwrap().sources;
        let body = json!({
            "citations": ["https://a.example/", "https://b.example/"],
            "search_results": [{"title": "A", "url": "https://a.example/", "date": "2025-01-01"}, {"title": "", "url": "https://b.example/"}]
        });
        let mut seen = HashSet::new();
        let sources = new_sources(&body, paths, &mut seen);
        assert_eq!(sources.len(), 2, "{sources:?}");
        assert!(
            matches!(&sources[0], Source::Url { url, title: Some(title), .. } if url == "https://a.example/" && title == "A")
        );
        assert!(
            matches!(&sources[1], Source::Url { url, title: None, .. } if url == "https://b.example/")
        );
        let only_citations = json!({"citations": ["https://c.example/"]});
        assert_eq!(
            sources_in(&only_citations, paths).collect::<Vec<_>>(),
            vec![("https://c.example/".to_owned(), None)]
        );
        assert!(
            new_sources(&body, paths, &mut seen).is_empty(),
            "a repeated list adds nothing"
        );
    }
}

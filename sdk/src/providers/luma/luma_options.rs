//! Typed provider options for Luma, read from `provider_options["luma"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/luma`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider_utils::{optional_fields, with_poll_overrides};

with_poll_overrides! {
    /// Options of a Luma image call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct LumaImageOptions {
        /// `jpg` or `png` (`format`).
        pub format: Option<String>,
        /// What the call's input images (URLs) are: `image` (the default; up to 4 image references),
        /// `style` (style references) or `modify_image` (the one image to modify).
        pub reference_type: Option<String>,
        /// The weight of the call's input images (default: 0.85 for images, 0.8 for styles, 1 to modify).
        pub reference_weight: Option<f64>,
        /// Image references given directly (`image_ref`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub image_ref: Vec<LumaReference>,
        /// Style references given directly (`style_ref`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub style_ref: Vec<LumaReference>,
        /// Character references: `{"identity0": {"images": ["https://..."]}}` (`character_ref`).
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub character_ref: Map<String, Value>,
        /// The image to modify, given directly (`modify_image_ref`).
        pub modify_image_ref: Option<LumaReference>,
    }
}

optional_fields! {
    /// One reference image: a URL Luma fetches, and how much it weighs.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct LumaReference {
        /// The image's URL.
        pub url: String,
        /// Its weight, 0 to 1.
        pub weight: Option<f64>,
    }
}

impl LumaReference {
    /// A reference of this URL and weight.
    ///
    /// ```
    /// let reference = specai::luma::LumaReference::new("https://example.com/style.jpg", Some(0.8));
    /// assert_eq!(reference.weight, Some(0.8));
    /// ```
    pub fn new(url: impl Into<String>, weight: Option<f64>) -> Self {
        LumaReference { url: url.into(), weight }
    }

    /// As a JSON object of the request.
    pub(super) fn to_wire(&self) -> Map<String, Value> {
        let mut reference = Map::new();
        reference.insert("url".to_owned(), Value::from(self.url.clone()));
        if let Some(weight) = self.weight {
            reference.insert("weight".to_owned(), Value::from(weight));
        }
        reference
    }
}

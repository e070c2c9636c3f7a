//! Whether prompts and outputs go into spans: a process-wide default, and a per-call choice that
//! overrides it.
//!
//! Content is off by default because prompts and outputs are often personal or confidential and
//! large; a caller turns it on for all calls (`set_record_content(true)`, e.g. in development)
//! or for one call (`.record_content(true)` / `.telemetry(..)` on any builder).

use std::sync::atomic::{AtomicBool, Ordering};

static RECORD_CONTENT: AtomicBool = AtomicBool::new(false);

/// Sets whether calls that do not choose for themselves record prompts and outputs in their
/// spans (default: `false`).
///
/// ```
/// specai::telemetry::set_record_content(true);
/// assert!(specai::telemetry::record_content());
/// # specai::telemetry::set_record_content(false);
/// ```
pub fn set_record_content(record: bool) {
    RECORD_CONTENT.store(record, Ordering::Relaxed);
}

/// Whether calls that do not choose for themselves record prompts and outputs.
///
/// ```
/// // Off unless the process turned it on.
/// # specai::telemetry::set_record_content(false);
/// assert!(!specai::telemetry::record_content());
/// ```
pub fn record_content() -> bool {
    RECORD_CONTENT.load(Ordering::Relaxed)
}

/// The telemetry choices of one call, set with the builders' `telemetry` (all at once) or
/// `record_content` methods.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use specai::telemetry::TelemetrySettings;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let model = MockLanguageModel::new().with_response(text_response("Hi!"));
/// let settings = TelemetrySettings::new().with_record_content(true).with_function_id("greeter");
/// let result = specai::generate_text(model).prompt("Hello").telemetry(settings).await?;
/// assert_eq!(result.text(), "Hi!");
/// # Ok::<(), specai::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TelemetrySettings {
    /// Record prompts, outputs, tool arguments and tool results in the spans; `None` follows
    /// [`record_content()`].
    pub record_content: Option<bool>,
    /// A name for the calling function, recorded as `specai.function_id` on the operation span
    /// to tell apart the places that call the same model.
    pub function_id: Option<String>,
}

impl TelemetrySettings {
    /// Settings that follow the process-wide defaults.
    pub fn new() -> Self {
        TelemetrySettings::default()
    }

    /// Records prompts and outputs (or not) for this call, whatever the process-wide default.
    pub fn with_record_content(mut self, record: bool) -> Self {
        self.record_content = Some(record);
        self
    }

    /// Names the calling function (`specai.function_id`).
    pub fn with_function_id(mut self, function_id: impl Into<String>) -> Self {
        self.function_id = Some(function_id.into());
        self
    }

    /// Whether this call records content: its own choice, else the process-wide default.
    pub fn records_content(&self) -> bool {
        self.record_content.unwrap_or_else(record_content)
    }
}

//! `prepare_call`: a run's settings, derived from the agent's and the call options of the run.

use std::sync::Arc;

use crate::call_settings::CallSettings;
use crate::provider::{LanguageModel, ToolChoice};
use crate::step_engine::TextRequest;
use crate::stop_condition::StopCondition;
use crate::tool::ToolSet;

/// A `prepare_call` hook: the run's call options and the agent's settings in, the run's out
/// (see [`AgentCall`] for an example).
pub type PrepareCall<C> = Arc<dyn Fn(&C, AgentCall) -> AgentCall + Send + Sync>;

/// The settings of one run, which `prepare_call` may change.
///
/// ```
/// use specai::provider::ToolChoice;
///
/// # let model = specai::test_util::MockLanguageModel::new();
/// let agent = specai::Agent::builder(model)
///     .call_options::<bool>()
///     .prepare_call(|read_only: &bool, mut call| {
///         if *read_only {
///             call.active_tools = Some(vec!["search".into()]);
///             call.tool_choice = Some(ToolChoice::Auto);
///         }
///         call.settings.temperature = Some(0.0);
///         call
///     })
///     .build();
/// # let _ = agent;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct AgentCall {
    /// The model.
    pub model: Arc<dyn LanguageModel>,
    /// The system instructions.
    pub instructions: Option<String>,
    /// The tools.
    pub tools: ToolSet,
    /// How the model should choose tools.
    pub tool_choice: Option<ToolChoice>,
    /// Only these tools are offered.
    pub active_tools: Option<Vec<String>>,
    /// When the loop stops (any condition).
    pub stop_conditions: Vec<StopCondition>,
    /// Sampling settings, provider options, headers, retries, timeouts.
    pub settings: CallSettings,
}

impl AgentCall {
    /// The agent's settings for a run.
    pub(super) fn of(request: &TextRequest, instructions: Option<String>, settings: CallSettings) -> Self {
        let defaults = &request.defaults;
        AgentCall {
            model: defaults.model.clone(),
            instructions,
            tools: defaults.tools.clone(),
            tool_choice: defaults.tool_choice.clone(),
            active_tools: defaults.active_tools.clone(),
            stop_conditions: request.stop_conditions.clone(),
            settings,
        }
    }

    /// Puts the run's settings into its request; gives back the instructions and call settings.
    pub(super) fn apply(self, request: &mut TextRequest) -> (Option<String>, CallSettings) {
        let defaults = &mut request.defaults;
        defaults.model = self.model;
        defaults.tools = self.tools;
        defaults.tool_choice = self.tool_choice;
        defaults.active_tools = self.active_tools;
        request.stop_conditions = self.stop_conditions;
        (self.instructions, self.settings)
    }
}

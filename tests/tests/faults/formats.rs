//! Each wire format under test: its model on a fault server, a small answer as exact SSE events
//! (the text "Héllo 🎉" in two deltas, so UTF-8 of two and four bytes crosses every split), its
//! error event, and a plain JSON answer.

use std::sync::Arc;
use std::time::Duration;

use specai::anthropic::{AnthropicSettings, create_anthropic};
use specai::google::{GoogleSettings, create_google};
use specai::openai::{OpenAiSettings, create_openai};
use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
use specai::provider::LanguageModel;

/// The text of every answer.
pub const TEXT: &str = "Héllo 🎉";
/// The text of the first delta, all a stream cut after it keeps.
pub const FIRST: &str = "Hé";

/// One wire format.
pub struct Format {
    pub name: &'static str,
    /// The model, talking to `base_url`, ending a call when the server is silent for `idle_timeout`.
    pub model: fn(base_url: String, idle_timeout: Option<Duration>) -> Arc<dyn LanguageModel>,
    /// Events before the text (stream start, block start), each a whole SSE event.
    pub prelude: &'static [&'static str],
    /// The two text events: `FIRST`, then the rest of `TEXT`.
    pub text: [&'static str; 2],
    /// The events that end the answer (finish reason, terminator).
    pub end: &'static [&'static str],
    /// An event that is not JSON, in the format's framing.
    pub malformed: &'static str,
    /// The provider's error event.
    pub error_event: &'static str,
    /// A whole non-streamed answer whose text is `TEXT`.
    pub json: &'static str,
}

impl Format {
    /// The events through the first text delta.
    pub fn through_first(&self) -> String {
        self.prelude.concat() + self.text[0]
    }

    /// Every event but the end.
    pub fn without_end(&self) -> String {
        self.through_first() + self.text[1]
    }

    /// The whole answer.
    pub fn complete(&self) -> String {
        self.without_end() + &self.end.concat()
    }
}

const KEY: &str = "fault-test-key";

fn openai_settings(base_url: String, idle_timeout: Option<Duration>) -> OpenAiSettings {
    OpenAiSettings::default().with_api_key(KEY).with_base_url(base_url).with_idle_timeout(idle_timeout)
}

const CHAT_END: &[&str] = &[
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
];
const CHAT_TEXT: [&str; 2] = [
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hé\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"llo 🎉\"},\"finish_reason\":null}]}\n\n",
];
const CHAT_ERROR: &str = "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"code\":null}}\n\n";
const CHAT_JSON: &str = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Héllo 🎉\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";

/// Every format: OpenAI chat, OpenAI Responses, Anthropic, Gemini, a compatible vendor (Groq,
/// whose usage sits under its own path, so chunks are read as JSON values too).
pub const FORMATS: &[Format] = &[
    Format {
        name: "openai chat",
        model: |base_url, idle_timeout| Arc::new(create_openai(openai_settings(base_url, idle_timeout)).chat("gpt-4o")),
        prelude: &[],
        text: CHAT_TEXT,
        end: CHAT_END,
        malformed: "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\n\n",
        error_event: CHAT_ERROR,
        json: CHAT_JSON,
    },
    Format {
        name: "openai responses",
        model: |base_url, idle_timeout| Arc::new(create_openai(openai_settings(base_url, idle_timeout)).responses("gpt-4o")),
        prelude: &[
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\",\"error\":null,\"incomplete_details\":null,\"model\":\"gpt-4o\",\"output\":[],\"usage\":null},\"sequence_number\":0}\n\n",
            "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]},\"sequence_number\":1}\n\n",
        ],
        text: [
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hé\",\"sequence_number\":2}\n\n",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"llo 🎉\",\"sequence_number\":3}\n\n",
        ],
        end: &[
            "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Héllo 🎉\",\"annotations\":[]}]},\"sequence_number\":4}\n\n",
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"model\":\"gpt-4o\",\"output\":[],\"usage\":{\"input_tokens\":3,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":7}},\"sequence_number\":5}\n\n",
        ],
        malformed: "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\n\n",
        error_event: "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The model produced invalid content.\",\"param\":null,\"sequence_number\":3}\n\n",
        json: "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"model\":\"gpt-4o\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Héllo 🎉\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":3,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":7}}",
    },
    Format {
        name: "anthropic",
        model: |base_url, idle_timeout| {
            let settings = AnthropicSettings::default().with_api_key(KEY).with_base_url(base_url).with_idle_timeout(idle_timeout);
            Arc::new(create_anthropic(settings).language_model("claude-sonnet-4-5"))
        },
        prelude: &[
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        ],
        text: [
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"llo 🎉\"}}\n\n",
        ],
        end: &[
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":4}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ],
        malformed: "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\n\n",
        error_event: "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n",
        json: "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"Héllo 🎉\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}",
    },
    Format {
        name: "gemini",
        model: |base_url, idle_timeout| Arc::new(create_google(GoogleSettings::default().with_api_key(KEY).with_base_url(base_url).with_idle_timeout(idle_timeout)).language_model("gemini-2.5-flash")),
        prelude: &[],
        text: [
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hé\"}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\n\n",
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"llo 🎉\"}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\n\n",
        ],
        end: &[
            "data: {\"candidates\": [{\"content\": {\"parts\": [],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 4,\"totalTokenCount\": 7},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\n\n",
        ],
        malformed: "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\n\n",
        error_event: "data: {\"error\": {\"code\": 503,\"message\": \"The model is overloaded. Please try again later.\",\"status\": \"UNAVAILABLE\"}}\n\n",
        json: "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Héllo 🎉\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 4,\"totalTokenCount\": 7},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}",
    },
    Format {
        name: "compatible (groq)",
        model: |base_url, idle_timeout| {
            let settings = OpenAiCompatibleSettings::default().with_api_key(KEY).with_base_url(base_url).with_idle_timeout(idle_timeout);
            Arc::new(create_openai_compatible("groq", settings).expect("groq mapping").chat("llama-3.3-70b-versatile"))
        },
        prelude: &[],
        text: CHAT_TEXT,
        end: &[
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}}\n\n",
            "data: [DONE]\n\n",
        ],
        malformed: "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\n\n",
        error_event: CHAT_ERROR,
        json: CHAT_JSON,
    },
];

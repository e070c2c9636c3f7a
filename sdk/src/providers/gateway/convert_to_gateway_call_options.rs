//! The call options as the AI SDK's `LanguageModelV4CallOptions` in JSON: the body the gateway
//! takes, which it hands to the provider behind the model unchanged.
//!
//! Field names are the AI SDK's (camelCase); file data travels as `{"type": "data", "data":
//! <base64>}` or `{"type": "url", "url": ...}`, as the AI SDK's gateway provider encodes it. The
//! conversion is total: every prompt part and option specai has is expressible, so nothing is
//! dropped here; what the model behind the gateway cannot do, the gateway reports as warnings.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, CallOptions, FileData, FilePart, Message, ProviderOptions, ResponseFormat, ToolChoice, ToolDefinition,
    ToolResultContent, ToolResultOutput, ToolResultPart, UserPart,
};

/// The JSON body of a language-model call.
pub(crate) fn convert_to_gateway_call_options(options: &CallOptions) -> Result<Value> {
    let mut body = Map::new();
    body.insert("prompt".into(), Value::Array(options.prompt.iter().map(message).collect::<Result<_>>()?));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(key.into(), value);
        }
    };
    put("maxOutputTokens", options.max_output_tokens.map(Value::from));
    put("temperature", options.temperature.map(number));
    put("stopSequences", (!options.stop_sequences.is_empty()).then(|| json!(options.stop_sequences)));
    put("topP", options.top_p.map(number));
    put("topK", options.top_k.map(Value::from));
    put("presencePenalty", options.presence_penalty.map(number));
    put("frequencyPenalty", options.frequency_penalty.map(number));
    put("seed", options.seed.map(Value::from));
    put("responseFormat", options.response_format.as_ref().map(response_format).transpose()?);
    put("tools", (!options.tools.is_empty()).then(|| options.tools.iter().map(tool).collect::<Result<Vec<_>>>()).transpose()?.map(Value::Array));
    put("toolChoice", options.tool_choice.as_ref().map(tool_choice).transpose()?);
    put("reasoning", options.reasoning_effort.map(|effort| Value::String(effort.as_str().to_owned())));
    put("includeRawChunks", options.include_raw_chunks.then_some(Value::Bool(true)));
    put("providerOptions", provider_options(&options.provider_options));
    Ok(Value::Object(body))
}

/// An `f32` setting as the decimal a person would write (0.7, not 0.699999988...).
fn number(value: f32) -> Value {
    json!(crate::provider_utils::shortest_decimal(value))
}

fn provider_options(options: &ProviderOptions) -> Option<Value> {
    (!options.is_empty()).then(|| serde_json::to_value(options).unwrap_or(Value::Null))
}

/// `{"type": ..., ...fields, "providerOptions"?}`.
fn part(kind: &str, fields: Value, options: &ProviderOptions) -> Value {
    let mut object = match fields {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    object.insert("type".into(), Value::String(kind.into()));
    if let Some(options) = provider_options(options) {
        object.insert("providerOptions".into(), options);
    }
    Value::Object(object)
}

fn file_data(data: &FileData) -> Value {
    match data {
        FileData::Url(url) => json!({"type": "url", "url": url}),
        inline => json!({"type": "data", "data": inline.to_base64().unwrap_or_default()}),
    }
}

fn file(file: &FilePart) -> Value {
    let mut fields = json!({"data": file_data(&file.data), "mediaType": file.media_type});
    if let Some(filename) = &file.filename {
        fields["filename"] = Value::String(filename.clone());
    }
    part("file", fields, &file.provider_options)
}

fn message(message: &Message) -> Result<Value> {
    let (role, content) = match message {
        Message::System { content, .. } => ("system", Value::String(content.clone())),
        Message::User { content, .. } => ("user", Value::Array(content.iter().map(user_part).collect::<Result<_>>()?)),
        Message::Assistant { content, .. } => ("assistant", Value::Array(content.iter().map(assistant_part).collect::<Result<_>>()?)),
        Message::Tool { content, .. } => ("tool", Value::Array(content.iter().map(tool_result).collect())),
        other => return Err(Error::unsupported(format!("{} messages for the gateway", other.role()), None)),
    };
    let mut object = json!({"role": role, "content": content});
    if let Some(options) = provider_options(message.provider_options()) {
        object["providerOptions"] = options;
    }
    Ok(object)
}

fn user_part(user: &UserPart) -> Result<Value> {
    Ok(match user {
        UserPart::Text(text) => part("text", json!({"text": text.text}), &text.provider_options),
        UserPart::File(data) => file(data),
        other => return Err(Error::unsupported(format!("{} parts for the gateway", other.kind()), None)),
    })
}

fn assistant_part(assistant: &AssistantPart) -> Result<Value> {
    Ok(match assistant {
        AssistantPart::Text(text) => part("text", json!({"text": text.text}), &text.provider_options),
        AssistantPart::File(data) => file(data),
        AssistantPart::Reasoning(reasoning) => part("reasoning", json!({"text": reasoning.text}), &reasoning.provider_options),
        AssistantPart::ToolCall(call) => {
            let mut fields = json!({"toolCallId": call.tool_call_id, "toolName": call.tool_name, "input": call.input});
            if call.provider_executed {
                fields["providerExecuted"] = Value::Bool(true);
            }
            part("tool-call", fields, &call.provider_options)
        }
        AssistantPart::ToolResult(result) => tool_result(result),
        other => return Err(Error::unsupported(format!("assistant {} parts for the gateway", other.kind()), None)),
    })
}

fn tool_result(result: &ToolResultPart) -> Value {
    let fields = json!({"toolCallId": result.tool_call_id, "toolName": result.tool_name, "output": output(&result.output)});
    part("tool-result", fields, &result.provider_options)
}

fn output(output: &ToolResultOutput) -> Value {
    match output {
        ToolResultOutput::Text { value, .. } => json!({"type": "text", "value": value}),
        ToolResultOutput::Json { value, .. } => json!({"type": "json", "value": value}),
        ToolResultOutput::ErrorText { value, .. } => json!({"type": "error-text", "value": value}),
        ToolResultOutput::ErrorJson { value, .. } => json!({"type": "error-json", "value": value}),
        ToolResultOutput::ExecutionDenied { reason, .. } => match reason {
            Some(reason) => json!({"type": "execution-denied", "reason": reason}),
            None => json!({"type": "execution-denied"}),
        },
        ToolResultOutput::Content { value, .. } => json!({"type": "content", "value": value.iter().map(content_part).collect::<Vec<_>>()}),
        // Output kinds added later: their text, which every kind has.
        other => json!({"type": "text", "value": other.to_text()}),
    }
}

fn content_part(content: &ToolResultContent) -> Value {
    match content {
        ToolResultContent::Text { text, .. } => json!({"type": "text", "text": text}),
        ToolResultContent::Media { data, media_type, .. } => json!({"type": "file", "data": {"type": "data", "data": data}, "mediaType": media_type}),
        ToolResultContent::MediaUrl { url, media_type, .. } => {
            json!({"type": "file", "data": {"type": "url", "url": url}, "mediaType": media_type.as_deref().unwrap_or("application/octet-stream")})
        }
        other => json!({"type": "text", "text": format!("[{} content]", other.kind())}),
    }
}

fn response_format(format: &ResponseFormat) -> Result<Value> {
    Ok(match format {
        ResponseFormat::Text => json!({"type": "text"}),
        ResponseFormat::Json { schema, name, description } => {
            let mut object = json!({"type": "json"});
            for (key, value) in [("schema", schema.clone()), ("name", name.clone().map(Value::String)), ("description", description.clone().map(Value::String))] {
                if let Some(value) = value {
                    object[key] = value;
                }
            }
            object
        }
        other => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
    })
}

fn tool(tool: &ToolDefinition) -> Result<Value> {
    Ok(match tool {
        ToolDefinition::Function(function) => {
            let mut object = json!({"type": "function", "name": function.name, "inputSchema": function.input_schema});
            if let Some(description) = &function.description {
                object["description"] = Value::String(description.clone());
            }
            if let Some(strict) = function.strict {
                object["strict"] = Value::Bool(strict);
            }
            if let Some(options) = provider_options(&function.provider_options) {
                object["providerOptions"] = options;
            }
            object
        }
        ToolDefinition::ProviderDefined(defined) => json!({"type": "provider", "id": defined.id, "name": defined.name, "args": defined.args}),
        other => return Err(Error::unsupported(format!("{} tools for the gateway", other.kind()), None)),
    })
}

fn tool_choice(choice: &ToolChoice) -> Result<Value> {
    Ok(match choice {
        ToolChoice::Tool { tool_name } => json!({"type": "tool", "toolName": tool_name}),
        other => json!({"type": other.kind()}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool, ReasoningEffort};

    #[test]
    fn call_options_become_the_ai_sdk_json() {
        let mut options = CallOptions::new(vec![
            Message::system("Be brief."),
            Message::user_parts(vec![UserPart::text("What is this?"), UserPart::file(vec![1u8, 2, 3], "image/png")]),
            Message::assistant_parts(vec![AssistantPart::reasoning("hmm"), AssistantPart::tool_call("c1", "look", json!({"q": 1}))]),
            Message::tool(vec![ToolResultPart::new("c1", "look", ToolResultOutput::json(json!({"ok": true})))]),
        ]);
        options.max_output_tokens = Some(100);
        options.temperature = Some(0.7);
        options.reasoning_effort = Some(ReasoningEffort::High);
        options.tools = vec![
            ToolDefinition::Function(FunctionTool::new("look", json!({"type": "object"})).with_description("Looks.")),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web_search", json!({}))),
        ];
        options.tool_choice = Some(ToolChoice::tool("look"));
        options.response_format = Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: Some("answer".into()), description: None });
        options.provider_options = ProviderOptions::new().with("gateway", json!({"order": ["vertex", "anthropic"]}));
        assert_eq!(
            convert_to_gateway_call_options(&options).unwrap(),
            json!({
                "prompt": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": [
                        {"type": "text", "text": "What is this?"},
                        {"type": "file", "data": {"type": "data", "data": "AQID"}, "mediaType": "image/png"}
                    ]},
                    {"role": "assistant", "content": [
                        {"type": "reasoning", "text": "hmm"},
                        {"type": "tool-call", "toolCallId": "c1", "toolName": "look", "input": {"q": 1}}
                    ]},
                    {"role": "tool", "content": [
                        {"type": "tool-result", "toolCallId": "c1", "toolName": "look", "output": {"type": "json", "value": {"ok": true}}}
                    ]}
                ],
                "maxOutputTokens": 100, "temperature": 0.7, "reasoning": "high",
                "responseFormat": {"type": "json", "schema": {"type": "object"}, "name": "answer"},
                "tools": [
                    {"type": "function", "name": "look", "description": "Looks.", "inputSchema": {"type": "object"}},
                    {"type": "provider", "id": "openai.web_search", "name": "web_search", "args": {}}
                ],
                "toolChoice": {"type": "tool", "toolName": "look"},
                "providerOptions": {"gateway": {"order": ["vertex", "anthropic"]}}
            })
        );
    }
}

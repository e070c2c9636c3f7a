//! An MCP tool called by the real local model (llama.cpp + SmolLM2, see `support::local_server`;
//! skipped with `SPECAI_SKIP_LOCAL_SERVER=1`). The tool choice is forced, so the server constrains
//! the call to the MCP tool's schema by grammar; the assertions are on structure: one call whose
//! input fits the schema, run on the MCP server, whose sum is right for the numbers the model chose.

use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
use specai::provider::{FinishReason, ToolChoice};
use specai::{ToolSet, generate_text};

use super::{Transport, connect};
use crate::support::local_server;

#[tokio::test]
async fn the_real_model_calls_an_mcp_tool() {
    let Some(server) = local_server::shared() else {
        return;
    };
    let Some(connected) = connect(Transport::Stdio).await else {
        return;
    };
    let provider = create_openai_compatible(
        "llamacpp",
        OpenAiCompatibleSettings::default().with_base_url(server.base_url.clone()),
    )
    .expect("the llamacpp preset is compiled in");
    let all_tools = connected.client.tools().await.unwrap();
    let add = all_tools.get("add").expect("the add tool").clone();
    let result = generate_text(provider.chat(server.chat_model))
        .prompt("What is 2 + 3? Use the add tool.")
        .tools(ToolSet::new().with("add", add))
        .tool_choice(ToolChoice::Tool {
            tool_name: "add".into(),
        })
        .temperature(0.0)
        .max_output_tokens(48)
        .max_retries(0)
        .await
        .unwrap_or_else(|error| panic!("generate_text with an MCP tool failed: {error:?}"));
    let calls: Vec<_> = result.tool_calls().collect();
    assert_eq!(calls.len(), 1, "{:?}", result.content());
    assert_eq!(calls[0].tool_name, "add");
    assert!(!calls[0].invalid, "invalid call {:?}", calls[0]);
    let a = calls[0].input["a"].as_i64().expect("an integer a");
    let b = calls[0].input["b"].as_i64().expect("an integer b");
    assert_eq!(result.finish_reason(), FinishReason::ToolCalls);
    let results: Vec<_> = result.tool_results().collect();
    assert_eq!(results.len(), 1, "{:?}", result.content());
    assert_eq!(results[0].tool_call_id, calls[0].tool_call_id);
    assert_eq!(
        results[0].output["structuredContent"]["result"].as_i64(),
        Some(a + b),
        "{:?}",
        results[0].output
    );
    connected.client.close().await.unwrap();
}

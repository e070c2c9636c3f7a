#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the test fixtures and mapping files.
# Stream targets read their first byte as the chunk size, so each seed gets one in front (7: events
# cut mid-line); `.chunks.txt` fixtures (one JSON event per line) are framed as SSE first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/tests/fixtures"
corpus="$root/fuzz/corpus"

# Bedrock's `.events.jsonl` (`<eventType> <json>` per line) get 0x87 in front: the target frames
# the lines itself (see fuzz_targets/bedrock_stream.rs), chunks of 8 bytes; 0xc7 with the JSON tool.

# seed <target> <file> <kind>: kind `sse` (as is), `chunks` (framed), `plain` (no chunk byte),
# `lines` (Bedrock's frame lines).
seed() {
    local target="$1" file="$2" kind="$3" out
    mkdir -p "$corpus/$target"
    out="$corpus/$target/$(basename "$(dirname "$file")")_$(basename "$file")"
    case "$kind" in
        sse) { printf '\007'; cat "$file"; } > "$out" ;;
        chunks) { printf '\007'; sed -e '/^$/d' -e 's/^/data: /' -e 's/$/\n/' "$file"; printf 'data: [DONE]\n\n'; } > "$out" ;;
        plain) cp "$file" "$out" ;;
        lines) { printf '\207'; cat "$file"; } > "$out"
            { printf '\307'; cat "$file"; } > "${out%.jsonl}.json_tool.jsonl"
            # The same answer cut short by a throttling exception frame.
            { printf '\207'; head -n 3 "$file"; printf '!throttlingException {"message":"Too many requests"}\n'; } > "${out%.jsonl}.exception.jsonl" ;;
    esac
}

shopt -s nullglob
for file in "$fixtures"/*/*.sse; do seed sse_splitter "$file" sse; done
for file in "$fixtures"/*/*.chunks.txt; do seed sse_splitter "$file" chunks; done
for file in "$fixtures"/openai/chat_*.chunks.txt; do seed openai_chat_stream "$file" chunks; done
for file in "$fixtures"/openai/chat_*.sse; do seed openai_chat_stream "$file" sse; done
for dir in "$fixtures"/*/; do
    case "$(basename "$dir")" in openai|anthropic|google|cohere|gateway|bedrock) continue ;; esac
    for file in "$dir"*.chunks.txt; do seed compatible_chat_stream "$file" chunks; done
    for file in "$dir"*.sse; do seed compatible_chat_stream "$file" sse; done
done
for file in "$fixtures"/openai/completion_*.chunks.txt; do seed completion_stream "$file" chunks; done
for file in "$fixtures"/openai/responses_*.sse; do seed responses_stream "$file" sse; done
for file in "$fixtures"/anthropic/*.sse; do seed anthropic_stream "$file" sse; done
for file in "$fixtures"/google/*.sse; do seed google_stream "$file" sse; done
for file in "$fixtures"/google/*.chunks.txt; do seed google_stream "$file" chunks; done
for file in "$fixtures"/cohere/*.chunks.txt; do seed cohere_stream "$file" chunks; done
for file in "$fixtures"/cohere/*.sse; do seed cohere_stream "$file" sse; done
for file in "$fixtures"/gateway/*.chunks.txt; do seed gateway_stream "$file" chunks; done
for file in "$fixtures"/bedrock/*.events.jsonl; do seed bedrock_stream "$file" lines; done
for file in "$fixtures"/*/*.json; do seed partial_json "$file" plain; done
# Non-streaming answers: an endpoint byte (the order of `Endpoint::ALL`) and a status byte (0:
# 200, 1: 400) in front of each JSON fixture of the providers the target calls.
answer_seed() {
    local endpoint="$1" file="$2" status=0 out
    case "$(basename "$file")" in error_*) status=1 ;; esac
    mkdir -p "$corpus/generate_response"
    out="$corpus/generate_response/$(basename "$(dirname "$file")")_$(basename "$file")"
    { printf "\\$(printf '%03o' "$endpoint")\\$(printf '%03o' "$status")"; cat "$file"; } > "$out"
}
for file in "$fixtures"/openai/*.json; do
    case "$(basename "$file")" in
        completion_*) endpoint=2 ;; responses_*) endpoint=3 ;; embedding*) endpoint=9 ;; image_*) endpoint=12 ;; *) endpoint=0 ;;
    esac
    answer_seed "$endpoint" "$file"
done
for file in "$fixtures"/groq/*.json; do
    case "$(basename "$file")" in transcription_*) answer_seed 14 "$file" ;; *) answer_seed 1 "$file" ;; esac
done
for file in "$fixtures"/anthropic/*.json; do answer_seed 4 "$file"; done
for file in "$fixtures"/google/*.json; do
    case "$(basename "$file")" in *embed*) endpoint=10 ;; imagen_*) endpoint=13 ;; *) endpoint=5 ;; esac
    answer_seed "$endpoint" "$file"
done
for file in "$fixtures"/cohere/*.json; do
    case "$(basename "$file")" in embed*) endpoint=11 ;; rerank*) endpoint=15 ;; *) endpoint=6 ;; esac
    answer_seed "$endpoint" "$file"
done
for file in "$fixtures"/gateway/*.json; do answer_seed 7 "$file"; done
for file in "$fixtures"/bedrock/*.json; do answer_seed 8 "$file"; done
# stream_text: a decoder byte (the order of `Decoder::ALL`) and a consumer byte in front of each
# stream target's seeds (not what the fuzzer added to those corpora), the consumer bytes taken in
# turn: none, tools, tools over two steps, the UI stream, both, JSON output, each smoothing.
consumers=(0 1 65 4 5 2 8 16 24 32 69 3)
turn=0
decoder=0
mkdir -p "$corpus/stream_text"
for target in openai_chat_stream compatible_chat_stream completion_stream responses_stream anthropic_stream google_stream \
    cohere_stream gateway_stream bedrock_stream; do
    for file in "$corpus/$target"/*; do
        [[ "$(basename "$file")" =~ ^[0-9a-f]{40}$ ]] && continue
        consumer=${consumers[turn % ${#consumers[@]}]}
        turn=$((turn + 1))
        { printf "\\$(printf '%03o' "$decoder")\\$(printf '%03o' "$consumer")"; cat "$file"; } > "$corpus/stream_text/${target}_$(basename "$file")"
    done
    decoder=$((decoder + 1))
done
# chat_request: `useChat` bodies (the UI message parts of the AI SDK's UI protocol), each with a
# dialect byte in front, the dialects taken in turn.
mkdir -p "$corpus/chat_request"
dialect=0
while IFS= read -r body; do
    printf "\\$(printf '%03o' $((dialect % 9)))%s" "$body" > "$corpus/chat_request/body_$dialect.json"
    dialect=$((dialect + 1))
done <<'BODIES'
{"id":"c","trigger":"submit-message","messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"Hi"}]}]}
{"id":"c","messages":[{"id":"s","role":"system","parts":[{"type":"text","text":"Be brief."}]},{"id":"u","role":"user","metadata":{"at":1},"parts":[{"type":"text","text":"What is this?"},{"type":"file","mediaType":"image/png","filename":"a.png","url":"data:image/png;base64,iVBORw0KGgo="}]}]}
{"messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"Weather?"}]},{"id":"a","role":"assistant","parts":[{"type":"step-start"},{"type":"reasoning","text":"Look it up.","providerMetadata":{"anthropic":{"signature":"s"}}},{"type":"tool-weather","toolCallId":"c1","state":"output-available","input":{"city":"Paris"},"output":{"celsius":21}},{"type":"step-start"},{"type":"text","text":"21 degrees."}]},{"id":"u2","role":"user","parts":[{"type":"text","text":"And tomorrow?"}]}]}
{"trigger":"regenerate-message","messageId":"a","messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"Hi"}]},{"id":"a","role":"assistant","parts":[{"type":"tool-weather","toolCallId":"c1","state":"output-error","input":{"city":"?"},"errorText":"unknown city"},{"type":"dynamic-tool","toolName":"search","toolCallId":"c2","state":"input-available","input":{"q":"x"}}]}]}
{"messages":[{"id":"u","role":"user","parts":[{"type":"file","mediaType":"application/pdf","url":"https://example.com/a.pdf"},{"type":"data-note","id":"n","data":{"text":"kept out"}},{"type":"source-url","sourceId":"s","url":"https://example.com"},{"type":"source-document","sourceId":"d","mediaType":"text/plain","title":"Doc"}]}]}
{"messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"Go"}]},{"id":"a","role":"assistant","parts":[{"type":"tool-delete","toolCallId":"c1","state":"approval-responded","input":{"path":"/tmp/x"},"approval":{"id":"ap1","approved":true,"reason":"ok"}}]}]}
{"messages":[{"id":"a","role":"assistant","parts":[{"type":"tool-weather","toolCallId":"c1","state":"input-streaming","input":{"ci"}}]}]}
{"messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"\u00e9t\u00e9 \ud83d\ude00","state":"done"}]}],"model":"fast","extra":[1,2]}
{"messages":[]}
BODIES
for file in "$root"/specs/*/provider.toml; do
    mkdir -p "$corpus/mapping_file"
    cp "$file" "$corpus/mapping_file/$(basename "$(dirname "$file")").toml"
done
for target in "$corpus"/*/; do echo "$(basename "$target"): $(ls "$target" | wc -l) seeds"; done

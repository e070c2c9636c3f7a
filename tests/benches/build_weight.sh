#!/usr/bin/env bash
# Build time and binary size of a user's crate: the same small program (one chat completion, one
# streamed completion, through the OpenAI API) on specai (features `openai`, `rustls`) and on
# async-openai (features `chat-completion`, `rustls`), each built from clean into its own target
# directory, release profile. Both start from the workspace's Cargo.lock, so the crates they share
# (reqwest, hyper, rustls, tokio, serde) are the same versions. Each builds the language models
# alone: specai without its other model kinds, the Responses API, the generated API clients or
# schemars (`embedding`, `image`..., `openai-responses`, `api-client`, `schemars` are default
# features, off here), async-openai without its other APIs (its `responses` feature among them).
#
# Usage: tests/benches/build_weight.sh. Prints wall and CPU (user + system) time of each build and
# the size of each stripped binary, with the ratio of specai's to async-openai's, then the ten longest
# crate builds of each (from `cargo build --timings`), then where each binary's code goes
# (`code_size.py`: code by crate, and drop glue, all copies and distinct). The crates and
# their targets stay in target/build-weight/ (delete it afterwards: about 1 GB).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/target/build-weight"
rm -rf "$work"
mkdir -p "$work/specai/src" "$work/async-openai/src"

cat >"$work/specai/Cargo.toml" <<EOF
[package]
name = "on-specai"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
specai = { path = "$root/sdk", default-features = false, features = ["openai", "rustls"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
futures = "0.3"

[workspace]
EOF
cat >"$work/specai/src/main.rs" <<'EOF'
use futures::StreamExt;
use specai::openai::{OpenAiSettings, create_openai};
use specai::{generate_text, stream_text};

#[tokio::main]
async fn main() {
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9/v1".to_owned());
    let openai = create_openai(OpenAiSettings::default().with_api_key("sk-build").with_base_url(base_url));
    match generate_text(openai.chat("gpt-4o-mini")).prompt("Say something.").await {
        Ok(result) => println!("{}", result.text()),
        Err(error) => eprintln!("{error}"),
    }
    let mut result = stream_text(openai.chat("gpt-4o-mini")).prompt("Say something.").start();
    let mut deltas = result.text_stream();
    while let Some(delta) = deltas.next().await {
        match delta {
            Ok(delta) => print!("{delta}"),
            Err(error) => eprintln!("{error}"),
        }
    }
}
EOF

cat >"$work/async-openai/Cargo.toml" <<EOF
[package]
name = "on-async-openai"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
async-openai = { version = "0.43", default-features = false, features = ["chat-completion", "rustls"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
futures = "0.3"

[workspace]
EOF
cat >"$work/async-openai/src/main.rs" <<'EOF'
use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequest, CreateChatCompletionRequestArgs};
use futures::StreamExt;

fn request(stream: bool) -> CreateChatCompletionRequest {
    let message = ChatCompletionRequestUserMessageArgs::default().content("Say something.").build().expect("message");
    let mut builder = CreateChatCompletionRequestArgs::default();
    builder.model("gpt-4o-mini").messages([message.into()]);
    if stream {
        builder.stream(true);
    }
    builder.build().expect("request")
}

#[tokio::main]
async fn main() {
    let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9/v1".to_owned());
    let client = Client::with_config(OpenAIConfig::new().with_api_base(base_url).with_api_key("sk-build"));
    match client.chat().create(request(false)).await {
        Ok(response) => println!("{}", response.choices.first().and_then(|choice| choice.message.content.clone()).unwrap_or_default()),
        Err(error) => eprintln!("{error}"),
    }
    match client.chat().create_stream(request(true)).await {
        Ok(mut chunks) => {
            while let Some(chunk) = chunks.next().await {
                match chunk {
                    Ok(chunk) => print!("{}", chunk.choices.first().and_then(|choice| choice.delta.content.clone()).unwrap_or_default()),
                    Err(error) => eprintln!("{error}"),
                }
            }
        }
        Err(error) => eprintln!("{error}"),
    }
}
EOF

echo "| crate | build wall s | build CPU s | stripped binary bytes |"
echo "|---|---|---|---|"
declare -A wall cpu size
for crate in specai async-openai; do
  cp "$root/Cargo.lock" "$work/$crate/Cargo.lock"
  # Fetch first, so download time is not build time.
  cargo fetch --quiet --manifest-path "$work/$crate/Cargo.toml"
  /usr/bin/time -f "%e %U %S" -o "$work/$crate.time" \
    cargo build --release --quiet --timings --manifest-path "$work/$crate/Cargo.toml" --target-dir "$work/$crate/target"
  read -r seconds user system <"$work/$crate.time"
  strip -o "$work/$crate.stripped" "$work/$crate/target/release/on-$crate"
  wall[$crate]=$seconds
  cpu[$crate]=$(python3 -c "print(f'{$user + $system:.1f}')")
  size[$crate]=$(stat -c %s "$work/$crate.stripped")
  echo "| $crate | ${wall[$crate]} | ${cpu[$crate]} | ${size[$crate]} |"
done
python3 -c "print(f'| specai / async-openai | {${wall[specai]} / ${wall[async-openai]}:.3f} | {${cpu[specai]} / ${cpu[async-openai]}:.3f} | {${size[specai]} / ${size[async-openai]}:.3f} |')"
# Where the time goes: each build's heaviest crates, from cargo's own timing report.
for crate in specai async-openai; do
  python3 - "$work/$crate/target/cargo-timings/cargo-timing.html" "$crate" <<'PY'
import json, re, sys
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", open(sys.argv[1]).read(), re.S).group(1))
units.sort(key=lambda unit: -unit["duration"])
print(f"\n{sys.argv[2]}: the ten longest crate builds (seconds, with the others running beside them)")
for unit in units[:10]:
    print(f"  {unit['duration']:7.1f}  {unit['name']} {unit['version']}{' (build script)' if unit.get('mode') == 'run-custom-build' else ''}")
PY
done
# Where the size goes: each unstripped binary's code by crate, and its drop glue.
echo
python3 "$root/tests/benches/code_size.py" "$work/specai/target/release/on-specai" "$work/async-openai/target/release/on-async-openai"

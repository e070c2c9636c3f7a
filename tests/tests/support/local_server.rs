//! The real local model server (llama-cpp-python + SmolLM2-135M-Instruct) for
//! the real-model tests: set up once, started once per test process, shared.
//!
//! ```ignore
//! let Some(server) = support::local_server::shared() else { return }; // skipped
//! // server.base_url == "http://127.0.0.1:PORT/v1"
//! // server.chat_model == "smollm2-chat", server.embedding_model == "smollm2-embed"
//! ```
//!
//! All the work is done by `tests/local_server/start.sh` (see the README there):
//! it sets up `target/local-server/` if needed (about 5 minutes the first time,
//! progress on stderr), starts the server on a free 127.0.0.1 port, prints
//! `READY <base_url> <chat_alias> <embedding_alias>` on stdout (or `ERROR <msg>`
//! and exits 1), then stops the server when its stdin reaches EOF. This module
//! keeps the launcher's stdin open in a static, so the server lives exactly as
//! long as the test process: statics are never dropped, but the kernel closes
//! the pipe when the process exits, however it exits.
//!
//! Environment:
//! - `SPECAI_SKIP_LOCAL_SERVER=1`: `shared()` returns `None` and prints why
//!   (for developers without the time for the first build; CI never sets it).
//! - `SPECAI_LOCAL_SERVER_URL=http://127.0.0.1:PORT/v1`: use a server that is
//!   already running (started by hand with `start.sh --no-watch-stdin`).
//! - `SPECAI_LOCAL_SERVER_TIMEOUT_SECS`: how long to wait for READY
//!   (default 2400: a first setup builds llama.cpp from source).
//!
//! If setup or start fails, every test that asks for the server panics with
//! the launcher's output, which includes the tail of the setup or server log.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const CHAT_MODEL: &str = "smollm2-chat";
pub const EMBEDDING_MODEL: &str = "smollm2-embed";
/// Length of one SmolLM2-135M embedding vector (the model's hidden size).
pub const EMBEDDING_DIMENSIONS: usize = 576;

pub const SKIP_ENV: &str = "SPECAI_SKIP_LOCAL_SERVER";
pub const URL_ENV: &str = "SPECAI_LOCAL_SERVER_URL";
pub const TIMEOUT_ENV: &str = "SPECAI_LOCAL_SERVER_TIMEOUT_SECS";

pub struct LocalServer {
    /// `http://127.0.0.1:PORT/v1`, no trailing slash.
    pub base_url: String,
    /// Alias of the chat model (n_ctx 2048, seed 42).
    pub chat_model: &'static str,
    /// Alias of the embedding model (mean pooling, 576 dimensions).
    pub embedding_model: &'static str,
    /// The launcher and the write end of its stdin; never dropped (static).
    _launcher: Option<Mutex<(Child, ChildStdin)>>,
}

/// The shared server, or `None` when `SPECAI_SKIP_LOCAL_SERVER=1`.
/// Blocks (up to the timeout) while the first caller sets it up and starts it;
/// panics with the launcher's output if that fails.
pub fn shared() -> Option<&'static LocalServer> {
    if skip_requested() {
        // Once per process, and past the test harness's output capture, so it is seen.
        static NOTICE: std::sync::Once = std::sync::Once::new();
        NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: the real-model tests are skipped because {SKIP_ENV}=1 \
                 (unset it to build and run the local SmolLM2 server; CI never sets it)"
            );
        });
        return None;
    }
    static SERVER: OnceLock<Result<LocalServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start_shared) {
        Ok(server) => Some(server),
        Err(message) => panic!("the local model server is not available:\n{message}"),
    }
}

pub fn skip_requested() -> bool {
    matches!(std::env::var(SKIP_ENV).as_deref(), Ok(v) if !v.is_empty() && v != "0")
}

/// The workspace root (this crate lives in `<root>/tests`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn start_shared() -> Result<LocalServer, String> {
    if let Ok(url) = std::env::var(URL_ENV)
        && !url.is_empty()
    {
        return Ok(LocalServer {
            base_url: url.trim_end_matches('/').to_string(),
            chat_model: CHAT_MODEL,
            embedding_model: EMBEDDING_MODEL,
            _launcher: None,
        });
    }
    let timeout = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(2400));
    let started = Instant::now();
    let launched = launch(&workspace_root(), timeout)?;
    // Bypasses the test harness's output capture on purpose: this is shown once.
    let _ = writeln!(
        std::io::stderr(),
        "[local-server] shared server {} ready after {:.1} s",
        launched.base_url,
        started.elapsed().as_secs_f64()
    );
    Ok(LocalServer {
        base_url: launched.base_url,
        chat_model: CHAT_MODEL,
        embedding_model: EMBEDDING_MODEL,
        _launcher: Some(Mutex::new((launched.child, launched.stdin))),
    })
}

/// A started launcher. Keep `stdin` open for as long as the server is needed;
/// dropping it (or exiting) stops the server.
pub struct Launched {
    pub base_url: String,
    pub child: Child,
    pub stdin: ChildStdin,
}

/// Runs `<root>/tests/local_server/start.sh` and waits for its READY line.
/// Its stderr (progress lines) is forwarded to this process's stderr as it
/// comes and kept for the error message.
pub fn launch(root: &Path, timeout: Duration) -> Result<Launched, String> {
    let script = root.join("tests/local_server/start.sh");
    let mut child = Command::new(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");

    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let stderr_done = {
        let log = Arc::clone(&log);
        let (done_tx, done_rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(std::io::stderr(), "{line}");
                let mut log = log.lock().unwrap();
                log.push(line);
                if log.len() > 200 {
                    log.remove(0);
                }
            }
            let _ = done_tx.send(());
        });
        done_rx
    };
    let (line_tx, line_rx) = mpsc::channel::<Option<String>>();
    std::thread::spawn(move || {
        let mut first = String::new();
        let line = match BufReader::new(stdout).read_line(&mut first) {
            Ok(n) if n > 0 => Some(first.trim_end().to_string()),
            _ => None,
        };
        let _ = line_tx.send(line);
    });

    let mut stdin = Some(stdin);
    let mut failure = |child: &mut Child, what: String| -> String {
        // Closing stdin asks the launcher to stop everything it started (pip's
        // build included); SIGKILL only if it does not exit within 10 s.
        drop(stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = stderr_done.recv_timeout(Duration::from_secs(2));
        let output = log.lock().unwrap().join("\n");
        format!(
            "{what}\n--- output of {} ---\n{output}\n--- (full logs: target/local-server/setup.log, \
             target/local-server/run/server-*.log) ---",
            script.display()
        )
    };

    match line_rx.recv_timeout(timeout) {
        Ok(Some(line)) => {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("READY") => {
                    let base_url = words.next().unwrap_or_default().to_string();
                    if !base_url.starts_with("http://127.0.0.1:") {
                        return Err(failure(
                            &mut child,
                            format!("unexpected READY line: {line}"),
                        ));
                    }
                    // Let the forwarder print the launcher's "ready in" line first.
                    let deadline = Instant::now() + Duration::from_millis(500);
                    while Instant::now() < deadline
                        && !log
                            .lock()
                            .unwrap()
                            .iter()
                            .any(|l| l.contains("] ready in "))
                    {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Ok(Launched {
                        base_url,
                        child,
                        stdin: stdin.take().expect("stdin still open"),
                    })
                }
                _ => Err(failure(&mut child, format!("launcher failed: {line}"))),
            }
        }
        Ok(None) => Err(failure(
            &mut child,
            "launcher exited without a READY line".into(),
        )),
        Err(_) => Err(failure(
            &mut child,
            format!(
                "no READY line within {} s ({TIMEOUT_ENV} to change)",
                timeout.as_secs()
            ),
        )),
    }
}

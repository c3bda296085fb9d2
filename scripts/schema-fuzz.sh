#!/usr/bin/env bash
# Schemathesis against the running service: every operation of
# /api/openapi.json fuzzed from its schema, anonymous and with an admin's
# token, bounded in examples and time. Fails on any answer that is a 5xx,
# has a status the document does not list, or does not match the
# documented schema, content type or headers (issue 18).
#
#   scripts/schema-fuzz.sh [path/to/atelier]   (default: target/release/atelier)
#
# Needs python3 with venv; installs schemathesis in target/schemathesis.
# Positive/negative data checks are not run: the request schemas state
# types, enums and formats, not every rule the validation applies (a
# capacity of at least 1, consent that must be true), so the fuzzer's
# "valid" bodies are often refused with a 422 that is right.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(realpath "${1:-target/release/atelier}")
venv=target/schemathesis
version=4.32.5
if [[ ! -x $venv/bin/st ]] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

work=$(mktemp -d)
server=
finish() {
  local status=$?
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if ((status)); then
    echo "schema fuzzing failed; the service's log:" >&2
    tail -50 "$work/server.log" >&2 || true
  fi
  rm -rf "$work"
  exit $status
}
trap finish EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/atelier.db" LISTEN_ADDR="127.0.0.1:$port" MAIL_DIR="$work/mail" \
  SECRET_KEY_FILE="$work/secret.key" SIGNUP_RATE_PER_MINUTE=0 RUST_LOG=warn
"$bin" --demo >"$work/server.log" 2>&1 &
server=$!
python3 - "$base" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1] + "/healthz")
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("the service did not answer /healthz within 10 s")
PY

# Admins reach every organizer operation. The second account's token is
# for the two operations that can end the token they are called with.
token() {
  ATELIER_PASSWORD='schema fuzz password' "$bin" organizer add "$1" --name "Fuzz" --admin >/dev/null
  "$bin" token create --organizer "$1" --label schema-fuzz | tail -1
}
admin=$(token fuzz@example.org)
spare=$(token fuzz-spare@example.org)
[[ -n $admin && -n $spare ]] || { echo "no API token could be made" >&2; exit 1; }

# Real values for path parameters that random ones would only ever find
# missing (404): a person's link for each operation on one, an event, its
# slot and a registration for the attendance operations, and the spare
# account's own token and id.
python3 - "$base" "$spare" >"$work/data.toml" <<'PY'
import json, sys, urllib.request
base, spare = sys.argv[1:3]
def call(path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers)))
token_id = call("/api/v1/tokens", token=spare)[0]["id"]
account = next(o["id"] for o in call("/api/v1/organizers", token=spare) if o["email"] == "fuzz-spare@example.org")
print(f'[[operations]]\ninclude-name = "DELETE /api/v1/tokens/{{id}}"\nparameters = {{ id = "{token_id}" }}\n')
print(f'[[operations]]\ninclude-name = "PATCH /api/v1/organizers/{{id}}"\nparameters = {{ id = "{account}" }}\n')
event = call("/api/v1/events")[0]
slot = call(f"/api/v1/events/{event['id']}")["slots"][0]["id"]
def sign_up(n):
    person = {"name": f"Personne {n}", "email": f"fuzz{n}@example.org", "level": event["levels"][0], "consent": True}
    return call(f"/api/v1/events/{event['id']}/registrations", person)
operations = ["DELETE /api/v1/registrations/{token}", "GET /api/v1/registrations/{token}/certificate.pdf",
              "GET /api/v1/registrations/{token}/data", "PATCH /api/v1/registrations/{token}",
              "POST /api/v1/registrations/{token}/accept",
              "POST /api/v1/registrations/{token}/attendance-confirmation",
              "POST /api/v1/registrations/{token}/cancel", "POST /api/v1/registrations/{token}/signatures",
              "POST /api/v1/registrations/{token}/transfer"]
for n, name in enumerate(operations):
    token = sign_up(n)["cancel_url"].rstrip("/").split("/")[-1]
    print(f'[[operations]]\ninclude-name = "{name}"\nparameters = {{ token = "{token}" }}\n')
registration = sign_up(len(operations))["id"]
print('[[operations]]\ninclude-path-regex = "^/api/v1/events/\\\\{id\\\\}/(slots|attendance/|registrations/)"')
print(f'parameters = {{ id = "{event["id"]}", slot = "{slot}", registration_id = "{registration}" }}')
PY

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
# From the temporary folder: schemathesis keeps a cache where it runs.
st=$(realpath "$venv/bin/st")
fuzz() {
  (cd "$work" && timeout 900 "$st" --config-file "$work/data.toml" run "$base/api/openapi.json" \
    --checks "$checks" --max-examples 100 --workers 2 --seed 18 --request-timeout 10 "$@")
}
self_ending=(--include-name 'DELETE /api/v1/tokens/{id}' --include-name 'PATCH /api/v1/organizers/{id}')
status=0
echo "== schemathesis, anonymous"
fuzz || status=1
echo "== schemathesis, as an admin"
fuzz -H "Authorization: Bearer $admin" --exclude-name 'DELETE /api/v1/tokens/{id}' \
  --exclude-name 'PATCH /api/v1/organizers/{id}' || status=1
echo "== schemathesis, as an admin, the operations that can end their own token"
fuzz -H "Authorization: Bearer $spare" "${self_ending[@]}" || status=1
exit $status

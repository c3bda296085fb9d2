#!/usr/bin/env bash
# What CI can check of the Docker deployment without a Docker engine:
# docker-compose.yml parses and wires db, mail and app as the README says,
# and the Dockerfile builds with the command CI runs (printed on stdout, for
# .ci/run to run).
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  docker compose config --quiet
fi
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml >&2
python3 - <<'PY'
import sys, yaml
compose = yaml.safe_load(open("docker-compose.yml"))
services = compose["services"]
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)
need(set(services) >= {"db", "mail", "app"}, "services db, mail and app")
db, mail, app = services.get("db", {}), services.get("mail", {}), services.get("app", {})
need(str(db.get("image", "")).startswith("postgres:16"), "db runs postgres:16")
need("healthcheck" in db, "db has a healthcheck")
need(any(str(v).split(":")[0] in compose.get("volumes", {}) for v in db.get("volumes", [])), "db data on a named volume")
need(str(mail.get("image", "")).startswith("axllent/mailpit"), "mail runs axllent/mailpit")
need(any("8025" in str(p) for p in mail.get("ports", [])), "mail UI on 8025")
need(app.get("build") is not None, "app is built from the repository")
need(app.get("depends_on", {}).get("db", {}).get("condition") == "service_healthy", "app waits for db's healthcheck")
need(any("8080" in str(p) for p in app.get("ports", [])), "app on 8080")
need(str(app.get("environment", {}).get("DATABASE_URL", "")).startswith("postgres://"), "app uses PostgreSQL")
if problems:
    sys.exit("docker-compose.yml: missing " + "; ".join(problems))
print("docker-compose.yml: db, mail and app wired as documented", file=sys.stderr)
PY

grep -q '^USER ' Dockerfile || { echo "Dockerfile: the runtime image must not run as root" >&2; exit 1; }
build=$(sed -n 's/^RUN \(cargo build .*\)$/\1/p' Dockerfile)
[ -n "$build" ] || { echo "Dockerfile: no 'RUN cargo build' line" >&2; exit 1; }
echo "$build"

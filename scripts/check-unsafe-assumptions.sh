#!/usr/bin/env bash
# The crate's one unsafe line (src/store/sqlite/handle.rs) borrows the
# SQLite handle sqlx lends, through rusqlite. It is sound only while:
#   - sqlx is the version whose `lock_handle` guarantee it was checked
#     against (Cargo.toml pins it exactly);
#   - rusqlite's "hooks" feature is off: with it, dropping the borrowed
#     rusqlite connection clears the hooks sqlx set on the handle. Another
#     crate enabling it through feature unification would be silent.
# This fails if either stops being true.
set -euo pipefail
cd "$(dirname "$0")/.."

checked_sqlx="0.8.6"

features=$(cargo tree --locked --workspace --target all -e features -i rusqlite)
if grep -Eq 'rusqlite feature "(hooks|preupdate_hook)"' <<<"$features"; then
  echo "rusqlite's hooks feature is enabled; see src/store/sqlite/handle.rs:" >&2
  grep -E 'rusqlite feature "(hooks|preupdate_hook)"' -A4 <<<"$features" >&2
  exit 1
fi

resolved=$(cargo tree --locked --workspace --target all -i sqlx --depth 0 | head -1 | awk '{print $2}')
if [ "$resolved" != "v$checked_sqlx" ]; then
  echo "sqlx is $resolved, but the handle borrow was checked against v$checked_sqlx:" >&2
  echo "read sqlx's lock_handle guarantee again, then update this script and Cargo.toml" >&2
  exit 1
fi
echo "unsafe assumptions hold: sqlx v$checked_sqlx, rusqlite without hooks"

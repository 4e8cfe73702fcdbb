# Shared helpers for the scripts in this folder. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '==> %s\n' "$*"; }
skip() { printf -- '--> skipped: %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Rust toolchain with the components the checks use.
ensure_rust() {
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup"
    if command -v rustup >/dev/null; then
        local installed
        installed="$(rustup component list --installed 2>/dev/null || true)"
        for c in rustfmt clippy; do
            if ! grep -q "^$c" <<<"$installed"; then
                step "installing the $c component"
                rustup component add "$c"
            fi
        done
    fi
}

# The host build of the core library (libvoidguard.so on Linux).
host_library() {
    local profile="${1:-debug}"
    echo "$ROOT/target/$profile/libvoidguard.so"
}

# Shared helpers for the scripts in this folder. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '==> %s\n' "$*"; }
skip() { printf -- '--> skipped: %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

_apt_updated=false

# Installs the Debian package $2 only when the command (or file) $1 is missing.
ensure_apt() {
    local need=$1 package=$2
    if [[ "$need" == /* ]]; then
        [[ -e "$need" ]] && return 0
    else
        command -v "$need" >/dev/null && return 0
    fi
    [[ $(id -u) == 0 ]] || die "$need is missing: install the Debian package $package"
    step "installing $package (for $need)"
    if ! $_apt_updated; then
        apt-get update -qq >/dev/null
        _apt_updated=true
    fi
    logged "apt-$package" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
}

# The one way a script runs a tool quietly: its output goes to a log ($LOG_DIR/NAME.log,
# or FILE with --log) and on failure the script shows the lines of the log matching
# --show REGEX (its last 40 lines when none match, or without --show) and stops; with
# --keep-going it returns 1 instead, for a script that has more to try first.
# Usage: logged [--log FILE] [--show REGEX] [--keep-going] NAME COMMAND [ARGS...]
LOG_DIR="${LOG_DIR:-$BUILD/logs}"
logged() {
    local log="" show="" keep_going=false
    while [[ "${1:-}" == --* ]]; do
        case "$1" in
            --log) log=$2; shift 2 ;;
            --show) show=$2; shift 2 ;;
            --keep-going) keep_going=true; shift ;;
            *) die "logged: unknown option $1" ;;
        esac
    done
    local name=$1
    shift
    log="${log:-$LOG_DIR/$name.log}"
    mkdir -p "$(dirname "$log")"
    "$@" >"$log" 2>&1 && return 0
    if [[ -z "$show" ]] || ! grep -E -- "$show" "$log" | tail -n 30 >&2; then
        tail -n 40 "$log" >&2
    fi
    if $keep_going; then
        printf '%s failed (full log: %s)\n' "$name" "${log#"$ROOT"/}" >&2
        return 1
    fi
    die "$name failed (full log: ${log#"$ROOT"/})"
}

# Java and Maven, installed from Debian when missing (and run as root).
ensure_maven() {
    ensure_apt java default-jdk-headless
    ensure_apt mvn maven
}

# Every Maven run of every script, with one policy: batch mode, no transfer progress, no
# colour, the output in a log (`logged`); online until a run of this pom (and of the
# parent poms above it) has succeeded, offline after, so nothing is looked up twice. A
# changed pom, or a local repository that is gone, goes online again.
# Usage: maven NAME POM [GOALS AND ARGS...]
MAVEN_REPO="${VOIDGUARD_M2:-$HOME/.m2/repository}"
MAVEN_FAILURES='Tests run:|FAIL|ERROR\]'
maven() {
    local name=$1 pom=$2
    shift 2
    local stamp="$BUILD/maven/$name.resolved" digest offline=()
    digest="$(maven_poms "$pom" | xargs sha256sum | sha256sum | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$digest" && -d "$MAVEN_REPO" ]]; then
        offline=(-o)
    fi
    logged --show "$MAVEN_FAILURES" "$name" mvn -B -ntp -Dstyle.color=never "${offline[@]}" -f "$pom" "$@"
    mkdir -p "$(dirname "$stamp")"
    echo "$digest" >"$stamp"
}

# The pom $1 and every pom.xml in the folders above it, up to the repository's root.
maven_poms() {
    local dir
    dir="$(cd "$(dirname "$1")" && pwd)"
    echo "$dir/$(basename "$1")"
    while [[ "$dir" != "$ROOT" && "$dir" != / ]]; do
        dir="$(dirname "$dir")"
        [[ -f "$dir/pom.xml" ]] && echo "$dir/pom.xml"
    done
    return 0
}

# `clean test` of the Maven project in folder $2 through `maven`, then its Surefire
# reports summed into one line. clean: a test class whose source was removed must not
# run from an old build.
# Usage: maven_test NAME PROJECT_DIR [ARGS...]
maven_test() {
    local name=$1 project=$2
    shift 2
    maven "$name" "$project/pom.xml" clean test "$@"
    surefire_summary "$project/target/surefire-reports"
}

# Maven's Surefire reports under $1 summed into one "Tests run: …" line; no reports,
# no test ran, which is a failure.
surefire_summary() {
    shopt -s nullglob
    local xml=("$1"/TEST-*.xml)
    shopt -u nullglob
    [[ ${#xml[@]} -gt 0 ]] || die "Surefire wrote no reports under ${1#"$ROOT"/}: no JVM test ran"
    sed -n 's/.*<testsuite \(.*\)>.*/\1/p' "${xml[@]}" | awk '
        {
            for (i = 1; i <= NF; i++) {
                split($i, kv, "=")
                gsub(/"/, "", kv[2])
                if (kv[1] == "tests") run += kv[2]
                if (kv[1] == "failures") failed += kv[2]
                if (kv[1] == "errors") errors += kv[2]
                if (kv[1] == "skipped") skipped += kv[2]
            }
        }
        END { printf "Tests run: %d, Failures: %d, Errors: %d, Skipped: %d\n", run, failed, errors, skipped }'
}

# Some containers ship /dev/null as a regular file. Every write "discarded" there then
# lands in it, and every read returns that text: cargo feeds /dev/null to rustc as source
# when it probes the target, and fails on whatever a build script threw away. Put the
# null device back when we may; refuse to go on when we may not.
ensure_dev_null() {
    [[ -c /dev/null ]] && return 0
    local fresh="/dev/.null.$$"
    if [[ "$(id -u)" == 0 ]] && mknod -m 666 "$fresh" c 1 3 2>/dev/null \
        && mv -f "$fresh" /dev/null; then
        step "/dev/null was a regular file; replaced it with the null device"
    else
        rm -f "$fresh"
        die "/dev/null is not the null device and cannot be replaced without root"
    fi
}

# The Rust toolchain with the components the checks use.
ensure_rust() {
    ensure_dev_null
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

# A JDK home of Java 22 or newer (jPOS 3.0.0, which scripts/jpos-check runs, is compiled
# for 22): VOIDGUARD_JDK, else JAVA_HOME, else the first under /usr/lib/jvm. Debian 12
# packages only Java 17; this kind of machine ships a Temurin JDK beside it.
modern_jdk() {
    local candidate release
    for candidate in "${VOIDGUARD_JDK:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
        release="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')"
        if [[ -n "$release" ]] && ((release >= 22)); then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

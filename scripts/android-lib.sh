# shellcheck shell=bash
# Helpers for the Android scripts (build-apk, android-test, check-android-rust).
# Source it after lib.sh; do not run it.

ANDROID_OUT="$BUILD/android"
APK_DIR="$BUILD/apk"
APP_APK="$APK_DIR/voidguard-debug.apk"
# Named so nobody mistakes it for something that runs: the core's .so is missing.
APP_APK_NO_NATIVE="$APK_DIR/voidguard-debug-NO-NATIVE-CORE.apk"
TEST_APK="$APK_DIR/voidguard-debug-androidTest.apk"
APP_PACKAGE=dev.voidguard.app
TEST_PACKAGE=dev.voidguard.app.test
TEST_RUNNER="$TEST_PACKAGE/$TEST_PACKAGE.VoidGuardTestRunner"
MIN_SDK=26
# The API level of Debian's framework-res.apk, which the resources link against.
TARGET_SDK=29
FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk
ABI=arm64-v8a
RUST_ANDROID_TARGET=aarch64-linux-android

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
    local out
    if ! out="$(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "could not install $package"
    fi
}

# The tools that build and check an APK without Gradle: Debian's Android SDK tools,
# Maven for the Maven Central artifacts, a JDK for kotlinc, keytool and ProGuard.
ensure_apk_tools() {
    ensure_apt java default-jdk-headless
    ensure_apt keytool default-jdk-headless
    ensure_apt mvn maven
    ensure_apt aapt2 aapt
    ensure_apt zipalign zipalign
    ensure_apt apksigner apksigner
    ensure_apt dexdump dexdump
    ensure_apt "$FRAMEWORK_RES" android-framework-res
    ensure_apt python3 python3
}

# The classpath of one profile of android/deps/pom.xml (kotlinc, proguard, dx,
# android-api, app, androidtest). Maven resolves it once into ~/.m2; the list is kept
# under build/android/deps until the pom changes.
android_classpath() {
    local profile=$1 pom="$ROOT/android/deps/pom.xml"
    local out="$ANDROID_OUT/deps/$profile.classpath" sum
    sum="$(sha256sum "$pom" | cut -d' ' -f1)"
    if [[ ! -s "$out" || "$(cat "$out.pom" 2>/dev/null)" != "$sum" ]]; then
        mkdir -p "$(dirname "$out")"
        logged "maven-$profile" mvn -B -Dstyle.color=never -f "$pom" -P"$profile" dependency:build-classpath \
            -Dmdep.outputFile="$out" -Dmdep.includeScope=runtime
        echo "$sum" >"$out.pom"
    fi
    cat "$out"
}

# The one jar of a profile whose path contains $2.
android_jar() {
    local jar
    jar="$(android_classpath "$1" | tr ':' '\n' | grep -F -- "$2" | head -n1)"
    [[ -n "$jar" ]] || die "no $2 in the '$1' artifacts"
    echo "$jar"
}

# The NDK, when ANDROID_NDK_HOME names one.
ndk_home() {
    local ndk="${ANDROID_NDK_HOME:-}"
    if [[ -n "$ndk" && -d "$ndk/toolchains/llvm/prebuilt" ]]; then
        echo "$ndk"
    fi
}

# d8 from an installed Android SDK (the newest build-tools), if any.
sdk_d8() {
    local sdk
    for sdk in "${ANDROID_HOME:-}" "${ANDROID_SDK_ROOT:-}"; do
        [[ -n "$sdk" && -d "$sdk/build-tools" ]] || continue
        find "$sdk/build-tools" -maxdepth 2 -name d8 -type f -perm -u+x 2>/dev/null | sort -V | tail -n1
        return 0
    done
}

# cargo-ndk, installed once with cargo when missing.
ensure_cargo_ndk() {
    if ! cargo ndk --version >/dev/null 2>&1; then
        step "installing cargo-ndk"
        cargo install --locked cargo-ndk >/dev/null
    fi
}

ensure_rust_android_target() {
    if ! rustup target list --installed 2>/dev/null | grep -qx "$RUST_ANDROID_TARGET"; then
        step "adding the Rust target $RUST_ANDROID_TARGET"
        rustup target add "$RUST_ANDROID_TARGET" >/dev/null
    fi
}

# Runs a tool with its output in build/android/logs/$1.log; shows the log's end if it fails.
logged() {
    local name=$1
    shift
    local log="$ANDROID_OUT/logs/$name.log"
    mkdir -p "$(dirname "$log")"
    if ! "$@" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "$name failed (full log: ${log#"$ROOT"/})"
    fi
}

# A digest of files (recursively) and strings, to skip work whose inputs did not change.
inputs_digest() {
    local item
    for item in "$@"; do
        if [[ -d "$item" ]]; then
            find "$item" -type f -print0 | sort -z | xargs -0 -r sha256sum
        elif [[ -f "$item" ]]; then
            sha256sum "$item"
        else
            echo "$item"
        fi
    done | sha256sum | cut -d' ' -f1
}

# True when $1 (a stamp file) records digest $2 and output $3 exists.
up_to_date() {
    [[ -e "$3" && -f "$1" && "$(cat "$1")" == "$2" ]]
}

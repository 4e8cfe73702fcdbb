# shellcheck shell=bash
# Helpers for the Android scripts (build-apk, android-test, check-android-rust).
# Source it after lib.sh; do not run it.

ANDROID_OUT="$BUILD/android"
# `logged` keeps the Android build's tool logs beside its outputs.
LOG_DIR="$ANDROID_OUT/logs"
APK_DIR="$BUILD/apk"
# The app's APK is named after its variant and the toolchain that built its core:
# voidguard-debug-arm64-ndk.apk, voidguard-debug-arm64-sysroot.apk (see app_apk_path).
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

# The tools that build and check an APK without Gradle: Debian's Android SDK tools,
# Maven for the Maven Central artifacts, a JDK for kotlinc, keytool and R8.
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

# The classpath of one profile of android/deps/pom.xml (kotlinc, r8, android-api,
# android-api-min, app, androidtest, robolectric…). Maven resolves it once into ~/.m2 (see
# `maven` in lib.sh); the list is kept under build/android/deps until the pom changes.
android_classpath() {
    local profile=$1 pom="$ROOT/android/deps/pom.xml"
    local out="$ANDROID_OUT/deps/$profile.classpath" sum
    sum="$(sha256sum "$pom" | cut -d' ' -f1)"
    if [[ ! -s "$out" || "$(cat "$out.pom" 2>/dev/null)" != "$sum" ]]; then
        mkdir -p "$(dirname "$out")"
        maven "deps-$profile" "$pom" -P"$profile" dependency:build-classpath \
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

# The JDK that runs java (R8 reads its java.* as part of the library).
jdk_home() {
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

# The NDK, when ANDROID_NDK_HOME names one.
ndk_home() {
    local ndk="${ANDROID_NDK_HOME:-}"
    if [[ -n "$ndk" && -d "$ndk/toolchains/llvm/prebuilt" ]]; then
        echo "$ndk"
    fi
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

# --- the core for Android without the NDK ----------------------------------------------
# A sysroot in the NDK's layout, built from an unmodified subset of AOSP's bionic
# (headers, symbol maps, crt sources): stub libc/libdl/libm holding only the symbols
# introduced at or below MIN_SDK, a liblog stub, crtbegin_so.o/crtend_so.o, and LLVM's
# libunwind (from the Rust toolchain's rust-src) compiled for Android, which the Rust
# standard library links as the NDK's. Debian's clang and lld compile and link against it.
BIONIC_SRC="${VOIDGUARD_BIONIC_SRC:-$ROOT/../shared/android/bionic}"
SYSROOT="$ANDROID_OUT/sysroot"
ANDROID_TRIPLE="$RUST_ANDROID_TARGET$MIN_SDK"
SYSROOT_LIB="$SYSROOT/usr/lib/$RUST_ANDROID_TARGET/$MIN_SDK"
STUB_LIBS=(libc libdl libm liblog)

ensure_sysroot_tools() {
    ensure_apt clang clang
    ensure_apt ld.lld lld
    ensure_apt llvm-ar llvm
    ensure_apt llvm-readelf llvm
    ensure_apt llvm-nm llvm
}

# LLVM libunwind's sources, shipped in the toolchain's rust-src component.
libunwind_src() {
    local src
    src="$(rustc --print sysroot)/lib/rustlib/src/rust/src/llvm-project/libunwind"
    if [[ ! -d "$src/src" ]]; then
        # stdout is this function's answer: the step goes to stderr.
        step "adding the Rust component rust-src (LLVM libunwind's sources)" >&2
        rustup component add rust-src >/dev/null
    fi
    [[ -f "$src/src/libunwind.cpp" ]] || die "no LLVM libunwind sources in $src"
    echo "$src"
}

# Builds $SYSROOT once per input change; prints nothing when it is up to date.
android_sysroot() {
    ensure_sysroot_tools
    [[ -f "$BIONIC_SRC/libc/libc.map.txt" ]] ||
        die "no bionic sources at $BIONIC_SRC (set VOIDGUARD_BIONIC_SRC)"
    local unwind digest cc=(clang --target="$ANDROID_TRIPLE" --sysroot="$SYSROOT")
    unwind="$(libunwind_src)"
    digest="$(inputs_digest "$BIONIC_SRC" "$unwind/src" "$unwind/include" "$ROOT/scripts/bionic-stubs" \
        "$(declare -f android_sysroot)" "$(clang --version | head -n1)" "api=$MIN_SDK")"
    if up_to_date "$SYSROOT/stamp" "$digest" "$SYSROOT_LIB/libunwind.a"; then
        return 0
    fi
    step "building the Android sysroot for API $MIN_SDK from ${BIONIC_SRC} (headers, stubs, crt, libunwind)"
    rm -rf "$SYSROOT"
    local inc="$SYSROOT/usr/include" work="$SYSROOT/work"
    mkdir -p "$inc/$RUST_ANDROID_TARGET" "$SYSROOT_LIB" "$work/private"
    cp -a "$BIONIC_SRC/libc/include/." "$inc/"
    local dir
    for dir in "$BIONIC_SRC"/libc/kernel/uapi/*; do
        [[ "$(basename "$dir")" == asm-* && "$(basename "$dir")" != asm-generic ]] || cp -a "$dir" "$inc/"
    done
    cp -a "$BIONIC_SRC/libc/kernel/android/uapi/." "$inc/"
    cp -a "$BIONIC_SRC/libc/kernel/uapi/asm-arm64/asm" "$inc/$RUST_ANDROID_TARGET/asm"

    local lib count
    for lib in "${STUB_LIBS[@]}"; do
        if [[ "$lib" == liblog ]]; then
            count="$(python3 "$ROOT/scripts/bionic-stubs" liblog arm64 "$MIN_SDK" "$work/$lib")"
        else
            count="$(python3 "$ROOT/scripts/bionic-stubs" "$BIONIC_SRC/$lib/$lib.map.txt" arm64 "$MIN_SDK" "$work/$lib")"
        fi
        logged "stub-$lib" "${cc[@]}" -c "$work/$lib.S" -o "$work/$lib.o"
        logged "stub-$lib-link" ld.lld -shared -soname "$lib.so" --version-script "$work/$lib.map" \
            -o "$SYSROOT_LIB/$lib.so" "$work/$lib.o"
        step "  $lib.so stub: $count symbols introduced at or below API $MIN_SDK"
    done

    # The stubs' point: with --no-undefined a symbol newer than MIN_SDK fails the link.
    # getrandom arrived in API 28; pthread_barrier_init in 24.
    printf 'int getrandom(void*, unsigned long, unsigned);\nint f(char *b) { return getrandom(b, 1, 0); }\n' >"$work/probe-new.c"
    printf 'int pthread_barrier_init(void*, void*, unsigned);\nint f(void *b) { return pthread_barrier_init(b, 0, 1); }\n' >"$work/probe-old.c"
    local probe_link=("${cc[@]}" -fuse-ld=lld -shared -nostdlib -Wl,--no-undefined -L"$SYSROOT_LIB" -lc)
    logged probe-api24 "${probe_link[@]}" "$work/probe-old.c" -o "$work/probe-old.so"
    if "${probe_link[@]}" "$work/probe-new.c" -o "$work/probe-new.so" >"$work/probe-new.log" 2>&1; then
        die "the API-$MIN_SDK stubs let a call to getrandom (API 28) link"
    fi
    grep -q "undefined symbol: getrandom" "$work/probe-new.log" || die "the API-28 probe failed for another reason: $(head -n1 "$work/probe-new.log")"
    step "  probe: an API-24 call links, an API-28 call (getrandom) is refused by --no-undefined"

    # bionic's private assembler headers are not among the sources; the crt objects use
    # two of their names. No BTI/PAC: the GNU property note stays empty.
    printf '#define __bionic_asm_custom_note_gnu_section()\n' >"$work/private/bionic_asm.h"
    printf '#define NT_ANDROID_TYPE_IDENT 1\n' >"$work/private/bionic_asm_note.h"
    local crt="$BIONIC_SRC/libc/arch-common/bionic" crtflags=(-O2 -fPIC -I"$work" -DPLATFORM_SDK_VERSION="$MIN_SDK")
    logged crtbegin "${cc[@]}" "${crtflags[@]}" -c "$crt/crtbegin_so.c" -o "$work/crtbegin_so.c.o"
    logged crtbrand "${cc[@]}" "${crtflags[@]}" -c "$crt/crtbrand.S" -o "$work/crtbrand.o"
    logged crtbegin-r ld.lld -r -o "$SYSROOT_LIB/crtbegin_so.o" "$work/crtbegin_so.c.o" "$work/crtbrand.o"
    logged crtend "${cc[@]}" "${crtflags[@]}" -c "$crt/crtend_so.S" -o "$SYSROOT_LIB/crtend_so.o"
    step "  crtbegin_so.o, crtend_so.o from ${crt#"$BIONIC_SRC"/}"

    # Flags as the Rust toolchain's own build of libunwind: hidden, C only, no exceptions.
    local uflags=(-O2 -fPIC -funwind-tables -fstrict-aliasing -fvisibility=hidden -D_LIBUNWIND_DISABLE_VISIBILITY_ANNOTATIONS
        -DNDEBUG -I"$unwind/include") objs=() src
    for src in UnwindLevel1.c UnwindLevel1-gcc-ext.c Unwind-sjlj.c UnwindRegistersRestore.S UnwindRegistersSave.S libunwind.cpp; do
        local extra=(-std=c99)
        [[ "$src" == *.cpp ]] && extra=(-std=c++17 -nostdinc++ -fno-exceptions -fno-rtti)
        [[ "$src" == *.S ]] && extra=()
        logged "libunwind-$src" "${cc[@]}" "${uflags[@]}" "${extra[@]}" -c "$unwind/src/$src" -o "$work/$src.o"
        objs+=("$work/$src.o")
    done
    logged libunwind-ar llvm-ar rcs "$SYSROOT_LIB/libunwind.a" "${objs[@]}"
    step "  libunwind.a from the Rust toolchain's LLVM libunwind sources"

    # The compiler and linker as the NDK names them, so cc-rs and cargo find them.
    mkdir -p "$SYSROOT/bin"
    cat >"$SYSROOT/bin/$ANDROID_TRIPLE-clang" <<SH
#!/usr/bin/env bash
exec clang --target=$ANDROID_TRIPLE --sysroot="$SYSROOT" -fuse-ld=lld "\$@"
SH
    chmod +x "$SYSROOT/bin/$ANDROID_TRIPLE-clang"
    echo "$digest" >"$SYSROOT/stamp"
}

# Flags every Android link of the core gets: refuse any symbol the API-level stubs do
# not have (a newer one would link and then fail to load), 16 KB pages.
ANDROID_CORE_RUSTFLAGS="-C link-arg=-Wl,--no-undefined -C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,-z,common-page-size=16384"
ANDROID_CORE_SO="$ROOT/target/$RUST_ANDROID_TARGET/release/libvoidguard.so"

# Builds the release core for arm64 with the NDK when there is one, else with the
# sysroot; sets CORE_TOOLCHAIN to the one that built it ("ndk" or "sysroot").
CORE_TOOLCHAIN=
android_core() {
    local ndk
    ndk="$(ndk_home)"
    ensure_rust_android_target
    if [[ -n "$ndk" ]]; then
        ensure_cargo_ndk
        step "building libvoidguard.so for $ABI with the NDK at $ndk (cargo-ndk, API $MIN_SDK, 16 KB pages)"
        logged cargo-ndk env CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS="$ANDROID_CORE_RUSTFLAGS" \
            nice cargo ndk -t "$ABI" --platform "$MIN_SDK" build -p voidguard --lib --release
        CORE_TOOLCHAIN=ndk
    else
        android_sysroot
        local cc="$SYSROOT/bin/$ANDROID_TRIPLE-clang"
        step "building libvoidguard.so for $ABI with Debian clang + lld and the bionic sysroot (API $MIN_SDK, 16 KB pages, --no-undefined)"
        logged cargo-android env CC_aarch64_linux_android="$cc" AR_aarch64_linux_android=llvm-ar \
            CARGO_TARGET_AARCH64_LINUX_ANDROID_LINKER="$cc" \
            CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS="$ANDROID_CORE_RUSTFLAGS" \
            nice cargo build --target "$RUST_ANDROID_TARGET" -p voidguard --lib --release
        CORE_TOOLCHAIN=sysroot
    fi
    [[ -f "$ANDROID_CORE_SO" ]] || die "no $ANDROID_CORE_SO after the build"
}

# build/apk/voidguard-<variant>-arm64-<toolchain>.apk
app_apk_path() {
    echo "$APK_DIR/voidguard-$1-arm64-$2.apk"
}

# The newest app APK of a variant, whichever toolchain built its core (NDK first).
built_app_apk() {
    local toolchain
    for toolchain in ndk sysroot; do
        [[ -f "$(app_apk_path "$1" "$toolchain")" ]] && { app_apk_path "$1" "$toolchain"; return 0; }
    done
    return 1
}

# The libraries an Android build of the core may need: bionic's and the log.
ALLOWED_NEEDED="libc.so libdl.so libm.so liblog.so"

# Checks an arm64 build of the core, one line each ("ok: ..." or "FAILED: ..."):
# AArch64 shared object, 16 KB-aligned LOAD segments, NEEDED within ALLOWED_NEEDED, every
# undefined symbol defined by the API-$MIN_SDK stubs, the same UniFFI exports as the host.
core_elf_checks() {
    local so=$1 host=$2 header machine type loads bad needed extra undefined provided missing
    ensure_sysroot_tools
    android_sysroot
    header="$(llvm-readelf -h "$so")"
    machine="$(awk -F: '/Machine:/ { gsub(/^ +/, "", $2); print $2 }' <<<"$header")"
    type="$(awk -F: '/Type:/ { gsub(/^ +/, "", $2); print $2 }' <<<"$header")"
    if [[ "$machine" == AArch64 && "$type" == DYN* ]] && grep -q "ELF64" <<<"$header"; then
        echo "ok: ELF: ELF64 $machine shared object ($(stat -c %s "$so") bytes)"
    else
        echo "FAILED: ELF: machine '$machine', type '$type'"
    fi
    loads="$(llvm-readelf -lW "$so" | awk '$1 == "LOAD" { print $NF }')"
    bad="$(grep -vcx 0x4000 <<<"$loads" || true)"
    if [[ -n "$loads" && "$bad" == 0 ]]; then
        echo "ok: ELF: $(grep -c . <<<"$loads") LOAD segments, all aligned to 16 KB (0x4000)"
    else
        echo "FAILED: ELF: LOAD alignments $(paste -sd' ' <<<"$loads") (want 0x4000 each)"
    fi
    needed="$(llvm-readelf -dW "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)"
    extra="$(comm -23 <(echo "$needed") <(tr ' ' '\n' <<<"$ALLOWED_NEEDED" | sort) | paste -sd' ')"
    if [[ -n "$needed" && -z "$extra" ]]; then
        echo "ok: ELF: NEEDED $(paste -sd' ' <<<"$needed")"
    else
        echo "FAILED: ELF: NEEDED beyond $ALLOWED_NEEDED: ${extra:-none at all}"
    fi
    undefined="$(llvm-nm -D --undefined-only "$so" | awk '{ print $NF }' | sed 's/@.*//' | sort -u)"
    provided="$(for lib in "${STUB_LIBS[@]}"; do llvm-nm -D --defined-only "$SYSROOT_LIB/$lib.so"; done |
        awk '{ print $NF }' | sed 's/@.*//' | sort -u)"
    missing="$(comm -23 <(echo "$undefined") <(echo "$provided") | paste -sd' ')"
    if [[ -z "$missing" ]]; then
        echo "ok: ELF: all $(grep -c . <<<"$undefined") undefined symbols are in the API-$MIN_SDK stubs of ${STUB_LIBS[*]}"
    else
        echo "FAILED: ELF: undefined symbols not in the API-$MIN_SDK stubs: $missing"
    fi
    local android_exports host_exports diff
    android_exports="$(uniffi_exports "$so")"
    host_exports="$(uniffi_exports "$host")"
    diff="$(diff <(echo "$host_exports") <(echo "$android_exports") | grep '^[<>]' | head -n 5 | paste -sd' ' || true)"
    if [[ -n "$android_exports" && -z "$diff" ]]; then
        echo "ok: ELF: $(grep -c . <<<"$android_exports") UniFFI exports, the same as the host build's (${host#"$ROOT"/})"
    else
        echo "FAILED: ELF: UniFFI exports differ from the host build's: ${diff:-none exported}"
    fi
}

# The UniFFI symbols a library exports (functions, checksums, metadata), sorted.
uniffi_exports() {
    llvm-nm -D --defined-only "$1" | awk '{ print $NF }' | grep -E '^(uniffi_|ffi_|UNIFFI_)' | sort
}

# Assembles, aligns and signs (v2 + v3) an APK: apk-zip puts the resources, the dex and
# the stored, 16 KiB-aligned native libraries together, zipalign -p 4 aligns the rest.
# The passwords are in apksigner's forms (pass:…, env:NAME), so a vendor's stay off the
# command line.
package_apk() { # name res-apk dex-dir out-apk keystore alias store-pass key-pass [lib=path...]
    local name=$1 res=$2 dex=$3 apk=$4 keystore=$5 alias=$6 store_pass=$7 key_pass=$8
    shift 8
    local unaligned="$ANDROID_OUT/$name/unaligned.apk" aligned="$ANDROID_OUT/$name/aligned.apk"
    mkdir -p "$ANDROID_OUT/$name" "$(dirname "$apk")"
    rm -f "$unaligned" "$aligned"
    logged "assemble-$name" "$ROOT/scripts/apk-zip" assemble "$unaligned" "$res" "$dex" "$@"
    logged "zipalign-$name" zipalign -p -f 4 "$unaligned" "$aligned"
    logged "apksigner-$name" apksigner sign --ks "$keystore" --ks-key-alias "$alias" \
        --ks-pass "$store_pass" --key-pass "$key_pass" --min-sdk-version "$MIN_SDK" \
        --v1-signing-enabled false --v2-signing-enabled true --v3-signing-enabled true \
        --out "$apk" "$aligned"
    rm -f "$apk.idsig" "$unaligned" "$aligned"
}

# The app's resources compiled for aapt2 link into $1 (a flat zip) and, beside it,
# ${1%.zip}-zh.zip with one addition: values-b+zh+Hant, a copy of values-zh-rCN made
# here. Android matches zh-TW, zh-HK and zh-MO (Traditional script) to no zh-rCN (or
# plain zh, taken as Simplified) resource and would show those merchants an English UI
# beside Chinese slips; the copy gives them the Chinese UI, from the one file kept in
# the repository.
compile_app_resources() { # out-flat-zip
    local out=$1 res="$ROOT/android/app/src/main/res" extra
    extra="$(dirname "$out")/res-zh"
    rm -rf "$extra" "$out" "${out%.zip}-zh.zip"
    mkdir -p "$extra/values-b+zh+Hant"
    cp "$res/values-zh-rCN/strings.xml" "$extra/values-b+zh+Hant/strings.xml"
    logged aapt2-compile-res aapt2 compile --dir "$res" -o "$out"
    logged aapt2-compile-res-zh aapt2 compile --dir "$extra" -o "${out%.zip}-zh.zip"
}

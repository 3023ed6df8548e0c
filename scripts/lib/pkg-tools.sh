# Sourced by the suite scripts that build release artifacts (Python wheel, npm
# addon, Kotlin jar). Puts on PATH a venv (target/pkg-tools, gitignored) with
# the pinned build tools, all from PyPI:
#   maturin        builds the abi3 wheel
#   ziglang        zig as a C compiler/linker that targets glibc 2.17
#                  (manylinux2014) without docker
#   cargo-zigbuild `cargo zigbuild --target x86_64-unknown-linux-gnu.2.17`,
#                  used by `napi build -x` and for the uniffi library
# A stamp file makes warm runs skip pip. Exports PKG_PY (the venv's python)
# and PKG_TARGET (the cargo target triple with the glibc floor).
PKG_TOOLS_REQS=(maturin==1.16.0 ziglang==0.13.0.post1 cargo-zigbuild==0.20.1)
PKG_TOOLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

pkg_tools() {
    local venv py
    venv="$PKG_TOOLS_ROOT/target/pkg-tools"
    py="${PYTHON:-python3}"
    if [ ! -x "$venv/bin/python" ]; then
        echo "== creating $venv (build tools)"
        "$py" -m venv "$venv"
    fi
    if [ "$(cat "$venv/.stamp" 2>/dev/null || true)" != "${PKG_TOOLS_REQS[*]}" ]; then
        echo "== installing ${PKG_TOOLS_REQS[*]}"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PKG_TOOLS_REQS[@]}"
        echo "${PKG_TOOLS_REQS[*]}" > "$venv/.stamp"
    fi
    # `zig` itself on PATH (napi's -x checks for it; cargo-zigbuild would
    # otherwise fall back to `python -m ziglang`).
    mkdir -p "$venv/zig-bin"
    local zig
    zig="$("$venv/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')"
    ln -sf "$zig" "$venv/zig-bin/zig"
    export PATH="$venv/bin:$venv/zig-bin:$PATH"
    export PKG_PY="$venv/bin/python"
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) PKG_TARGET="x86_64-unknown-linux-gnu.2.17" ;;
        Linux-aarch64) PKG_TARGET="aarch64-unknown-linux-gnu.2.17" ;;
        *) PKG_TARGET="" ;;  # macOS/Windows: native toolchain, no glibc floor
    esac
    export PKG_TARGET
}

# Highest glibc symbol version a shared object needs (e.g. 2.17); "unknown"
# without objdump (binutils).
max_glibc() {
    if ! command -v objdump >/dev/null; then echo unknown; return; fi
    objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1 | sed 's/^$/0/'
}

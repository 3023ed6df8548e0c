#!/usr/bin/env bash
# One version for every artifact of the repository.
#
#   scripts/version.sh            print the version (from Cargo.toml)
#   scripts/version.sh check      fail if any manifest disagrees with Cargo.toml
#   scripts/version.sh set X.Y.Z  write X.Y.Z into every manifest
#
# The source of truth is `[workspace.package] version` in Cargo.toml (every
# crate inherits it; maturin takes the wheel's version from it). The other
# places that carry it: Cargo.lock (our crates), the Python package's
# __version__, node/package.json and its lock, the napi loader
# node/native/index.js (generated from package.json), the Kotlin POM and the
# consumer POM of the installed-jar test, and the newest release heading of
# CHANGELOG.md. The Swift package has no version field: SwiftPM versions are
# git tags, so a `vX.Y.Z` tag on HEAD must match too (docs/RELEASING.md).
# scripts/test-all.sh runs `check`, so CI fails on drift.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import glob, json, pathlib, re, subprocess, sys

CRATES = {"cmr", "cmr-cli", "cmr-node", "cmr-python", "cmr-sandbox", "cmr-uniffi", "uniffi-bindgen"}
SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")


def read(p):
    return pathlib.Path(p).read_text()


def cargo_version():
    m = re.search(r'(?ms)^\[workspace\.package\].*?^version = "([^"]+)"', read("Cargo.toml"))
    if not m:
        sys.exit("version: no [workspace.package] version in Cargo.toml")
    return m.group(1)


def py_init():
    # The package directory is whatever pyproject.toml's python-packages names.
    m = re.search(r'python-packages = \["([^"]+)"\]', read("python/pyproject.toml"))
    return f"python/{m.group(1)}/__init__.py"


# Each place: (file, regex whose group 1 is the version, count of matches expected or None for >= 1)
def places():
    out = [
        ("Cargo.toml", r'(?ms)^\[workspace\.package\].*?^version = "([^"]+)"'),
        (py_init(), r'(?m)^__version__ = "([^"]+)"'),
        ("node/package.json", r'(?s)^\{\s*"name": "[^"]+",\s*"version": "([^"]+)"'),
        ("node/package-lock.json", r'(?s)^\{\s*"name": "[^"]+",\s*"version": "([^"]+)"'),
        ("node/package-lock.json", r'(?s)"packages": \{\s*"": \{\s*"name": "[^"]+",\s*"version": "([^"]+)"'),
        ("bindings/uniffi/kotlin/pom.xml", r"(?s)</groupId>\s*<artifactId>coldmailreseller</artifactId>\s*<version>([^<]+)</version>"),
        ("bindings/uniffi/kotlin/consumer/pom.xml", r"(?s)<artifactId>coldmailreseller</artifactId>\s*<version>([^<]+)</version>"),
        ("CHANGELOG.md", r"(?m)^## \[(\d[^\]]*)\]"),
    ]
    for name in sorted(CRATES):
        out.append(("Cargo.lock", r'(?m)^name = "%s"\nversion = "([^"]+)"' % re.escape(name)))
    return out


def napi_loader_versions():
    text = read("node/native/index.js")
    return set(re.findall(r"bindingPackageVersion !== '([^']+)'", text)) | set(
        re.findall(r"expected ([^ ]+) but got", text))


def git_tag_version():
    try:
        tags = subprocess.run(["git", "tag", "--points-at", "HEAD"], capture_output=True, text=True, check=True).stdout
    except Exception:
        return None
    vs = [t[1:] for t in tags.split() if re.match(r"^v\d", t)]
    return vs[0] if vs else None


def check(want):
    bad = []
    for f, rx in places():
        m = re.search(rx, read(f))
        got = m.group(1) if m else None
        if got != want:
            bad.append(f"{f}: {got!r} (pattern {rx!r})")
    loader = napi_loader_versions()
    if loader != {want}:
        bad.append(f"node/native/index.js: {sorted(loader)} (regenerate with the napi build)")
    for copy in ("node/LICENSE",):
        # npm packs no symlink: the package carries a copy of the root LICENSE.
        if read(copy) != read("LICENSE"):
            bad.append(f"{copy}: differs from LICENSE (cp LICENSE {copy})")
    tag = git_tag_version()
    if tag is not None and tag != want:
        bad.append(f"git tag on HEAD: v{tag}")
    if bad:
        print(f"version: Cargo.toml says {want}; these disagree:", *bad, sep="\n  ", file=sys.stderr)
        print("fix: scripts/version.sh set " + want, file=sys.stderr)
        return 1
    print(f"version: {want} everywhere (crates, wheel, npm, jar, CHANGELOG); LICENSE copies match")
    return 0


def set_version(new):
    if not SEMVER.match(new):
        sys.exit(f"version: {new!r} is not X.Y.Z")
    old = cargo_version()
    for f, rx in places():
        text = read(f)
        m = re.search(rx, text)
        if not m:
            if f == "CHANGELOG.md":
                continue
            sys.exit(f"version: {f} has no match for {rx!r}")
        if f == "CHANGELOG.md":
            if m.group(1) == new:
                continue
            # A new release heading above the previous one; the notes stay under Unreleased.
            text = re.sub(r"(?m)^## \[Unreleased\]\n", f"## [Unreleased]\n\n## [{new}]\n", text, count=1)
        else:
            text = text[: m.start(1)] + new + text[m.end(1):]
        pathlib.Path(f).write_text(text)
    loader = read("node/native/index.js")
    for v in napi_loader_versions():
        loader = loader.replace(f"bindingPackageVersion !== '{v}'", f"bindingPackageVersion !== '{new}'")
        loader = loader.replace(f"expected {v} but got", f"expected {new} but got")
    pathlib.Path("node/native/index.js").write_text(loader)
    print(f"version: {old} -> {new}")
    return check(new)


args = sys.argv[1:]
if not args:
    print(cargo_version())
elif args[0] == "check" and len(args) == 1:
    sys.exit(check(cargo_version()))
elif args[0] == "set" and len(args) == 2:
    sys.exit(set_version(args[1]))
else:
    sys.exit("usage: scripts/version.sh [check | set X.Y.Z]")
PY

#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` from the exact llama.cpp source node-llama-cpp binds (the git bundle it
# ships), so the real-server test tier runs the same inference code as the embedded backend.
#
# The binary is cached by version: .cache/llama-server/<release>-<commit>/llama-server (git-ignored). When it is
# already there the script prints its path and exits at once. Prints the binary's path on the last line.
#
# Environment:
#   LLAMA_SERVER_CACHE  cache root (default: <repo>/.cache/llama-server)
#   LLAMA_SERVER_JOBS   parallel compile jobs (default: number of CPUs)
#
# Build choices, and why:
#   - only the `llama-server` target; no tests, examples or other tools: the rest of llama.cpp is not needed.
#   - CPU only, static libraries: one self-contained file that runs wherever it is copied.
#   - GGML_NATIVE=OFF: the build does not depend on the builder's CPU (AVX2/FMA baseline instead of
#     -march=native), so a cached binary runs on any x86-64-v3 machine and results do not change with the
#     machine that built it. The lab models are tiny, so the speed lost to native tuning does not matter.
#   - LLAMA_OPENSSL=OFF, no web UI (neither built nor downloaded): the tests talk to it over loopback HTTP, and
#     the build needs no network.
#   - the patches node-llama-cpp applies to its own build (llama/patches/*.diff) are applied here too.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
llama_directory="$repo_root/node_modules/node-llama-cpp/llama"
bundle="$llama_directory/gitRelease.bundle"
info="$llama_directory/llama.cpp.info.json"

if [[ ! -f "$bundle" || ! -f "$info" ]]; then
  echo "build-llama-server: $bundle or $info is missing; run npm ci first" >&2
  exit 1
fi
for tool in git cmake c++; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-llama-server: '$tool' is not installed (needed: git, cmake and a C++17 compiler)" >&2
    exit 1
  fi
done

release="$(sed -n 's/.*"tag": *"\([^"]*\)".*/\1/p' "$info")"
commit="$(git bundle list-heads "$bundle" | awk 'NR == 1 { print substr($1, 1, 12) }')"
if [[ -z "$release" || -z "$commit" ]]; then
  echo "build-llama-server: could not read the llama.cpp release from $info or the commit from $bundle" >&2
  exit 1
fi
version="$release-$commit"
cache_root="${LLAMA_SERVER_CACHE:-$repo_root/.cache/llama-server}"
target_directory="$cache_root/$version"
binary="$target_directory/llama-server"

if [[ -x "$binary" ]]; then
  echo "build-llama-server: cached $version" >&2
  echo "$binary"
  exit 0
fi

jobs="${LLAMA_SERVER_JOBS:-$(nproc 2>/dev/null || echo 2)}"
work_directory="$target_directory/work"
rm -rf "$work_directory"
mkdir -p "$work_directory"
started=$SECONDS

echo "build-llama-server: llama.cpp $version from $bundle, $jobs jobs" >&2
git clone --quiet "$bundle" "$work_directory/source"
for patch in "$llama_directory"/patches/*.diff; do
  [[ -f "$patch" ]] || continue
  if git -C "$work_directory/source" apply --check --ignore-whitespace "$patch" 2>/dev/null; then
    git -C "$work_directory/source" apply --ignore-whitespace "$patch"
    echo "build-llama-server: applied $(basename "$patch")" >&2
  elif git -C "$work_directory/source" apply --check --reverse --ignore-whitespace "$patch" 2>/dev/null; then
    echo "build-llama-server: $(basename "$patch") is already in the source" >&2
  else
    echo "build-llama-server: $(basename "$patch") does not apply to $version" >&2
    exit 1
  fi
done

cmake -S "$work_directory/source" -B "$work_directory/build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=OFF \
  -DGGML_OPENMP=OFF \
  -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_UI=OFF \
  -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_TOOLS=ON \
  -DLLAMA_BUILD_SERVER=ON \
  -DLLAMA_BUILD_APP=OFF >&2
cmake --build "$work_directory/build" --target llama-server --parallel "$jobs" >&2

built="$(find "$work_directory/build" -type f -name llama-server -perm -u+x | head -n 1)"
if [[ -z "$built" ]]; then
  echo "build-llama-server: the build finished but produced no llama-server binary" >&2
  exit 1
fi
"$built" --version >&2
# Moved into place last, so an interrupted build never leaves a binary that looks complete.
cp "$built" "$target_directory/llama-server.partial"
mv "$target_directory/llama-server.partial" "$binary"
rm -rf "$work_directory"
echo "build-llama-server: built $version in $((SECONDS - started)) s" >&2
echo "$binary"

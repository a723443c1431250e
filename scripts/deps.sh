#!/usr/bin/env bash
# Installs what building and testing Messagerie needs and is missing; a second run installs nothing.
#   scripts/deps.sh        system packages, the UI's npm packages
#   scripts/deps.sh e2e    the same, plus what `make test` needs: the tools the end-to-end
#                          tests drive the app with, cargo-deny for the licence check, and what
#                          the package test needs (the Tauri CLI, desktop-file-validate)
#   scripts/deps.sh package  the same as the first, plus the Tauri CLI (`make package`)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential pkg-config libxdo-dev libssl-dev libdbus-1-dev
  libayatana-appindicator3-dev librsvg2-dev)
# fonts-dejavu-core: the fonts the reading pane's reference pictures are drawn with
# (tests/e2e/reading_fixtures.rs); a fresh Debian may have another sans-serif first.
# poppler-utils: pdftotext reads what « Imprimer » printed (tests/e2e/print.rs).
E2E_PACKAGES=(webkit2gtk-driver xvfb dbus x11-utils imagemagick xdotool libglib2.0-bin desktop-file-utils
  poppler-utils fonts-dejavu-core)

packages=("${BUILD_PACKAGES[@]}")
[[ "${1:-}" == "e2e" ]] && packages+=("${E2E_PACKAGES[@]}")

if ! command -v apt-get >/dev/null || ! grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; then
  echo "This script installs with apt-get (Debian or Ubuntu). On this system, install first:" >&2
  echo "  ${packages[*]}" >&2
  echo "  (the WebKitGTK 4.1 development files, xdo, OpenSSL, ayatana-appindicator, librsvg;" >&2
  echo "   for the tests: WebKitWebDriver, Xvfb, dbus-daemon, dbus-monitor, xwininfo, ImageMagick," >&2
  echo "   desktop-file-validate, pdftotext)" >&2
  echo "then: cargo install tauri-driver cargo-deny --locked; cd ui && npm ci; cd packaging && npm ci" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ "${1:-}" == "e2e" ]] && ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver (cargo install, about 2 minutes)"
  cargo install tauri-driver --locked
fi

# `make licenses` (deny.toml, written for cargo-deny 0.20: pinned so that a new release cannot
# change what the check accepts). --locked: the versions cargo-deny was released with.
if [[ "${1:-}" == "e2e" ]] && ! cargo deny --version >/dev/null 2>&1; then
  echo "==> installing cargo-deny (cargo install, a few minutes)"
  cargo install cargo-deny --version 0.20.2 --locked
fi

# npm ci only when package-lock.json changed since the last install.
npm_install() { # folder, what
  local stamp="$1/node_modules/.messagerie-lock"
  if ! cmp -s "$1/package-lock.json" "$stamp" 2>/dev/null; then
    echo "==> installing $2"
    # npm ci refuses a lock that lacks an optional dependency the registry cannot resolve (vite's
    # Windows-only napi-windows-process-start-time on some mirrors); npm install still follows
    # the lock for everything else and leaves it unchanged.
    (cd "$1" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
    cp "$1/package-lock.json" "$stamp"
  fi
}
npm_install ui "the UI's npm packages"
# The Tauri CLI that bundles the .deb and .rpm: npm's @tauri-apps/cli, the same CLI as the
# tauri-cli crate but prebuilt, so installing it takes seconds instead of compiling a large
# crate for many minutes on a small machine (and CI). Pinned in packaging/package-lock.json.
if [[ "${1:-}" == "e2e" || "${1:-}" == "package" ]]; then
  npm_install packaging "the Tauri CLI (@tauri-apps/cli)"
fi

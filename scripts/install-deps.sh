#!/usr/bin/env bash
# Installs the Debian 12 packages onshi needs to build, test and demo (the card
# reader tests run pcscd with vsmartcard's vpcd and OpenSC's pkcs15-tool; the
# documents are laid out with Cairo and Pango in IPAex fonts and checked with
# poppler's pdftotext, pdftoppm and pdfinfo), and the
# npm packages of the browser tests (tests/web: playwright-core, which drives
# Debian's chromium) and of the kiosk page (src/web/kiosk: face-api). Idempotent: prints and installs only what is missing.
# Needs root (or sudo) for apt-get.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl libsqlite3-dev sqlite3 libpq-dev postgresql libpugixml-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev
  curl ca-certificates bc time
  chromium fonts-noto-cjk
  libcairo2-dev libpango1.0-dev fonts-ipaexfont poppler-utils
  libzip-dev
  pcscd vsmartcard-vpcd opensc libpcsclite-dev pcsc-tools
  systemd
  faketime
)
# node/npm may come from elsewhere (e.g. NodeSource); only add Debian's if absent.
if ! command -v node >/dev/null; then packages+=(nodejs); fi
if ! command -v npm >/dev/null; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages already installed"
else
  echo "install-deps: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The npm packages, exactly as pinned in each package-lock.json: the browser
# tests' (tests/web: playwright-core) and the kiosk page's (src/web/kiosk:
# @vladmandic/face-api and its model weights, served by `onshi terminal`).
for d in tests/web src/web/kiosk; do
  if [ -d "$root/$d/node_modules" ]; then
    echo "install-deps: $d npm packages already installed"
  else
    echo "install-deps: installing $d npm packages (npm ci)"
    (cd "$root/$d" && npm ci --no-audit --no-fund)
  fi
done
echo "install-deps: done"

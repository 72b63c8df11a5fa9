#!/usr/bin/env bash
# Sets up a fresh Debian machine for Ceremony Workstation: system packages, npm packages,
# native modules. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the HSM emulators (SoftHSM2, NSS softokn, tpm2-pkcs11 on swtpm with its
# resource manager on a private D-Bus, openCryptoki) and the independent tools our outputs are checked with.
packages=(softhsm2 libnss3 libnss3-tools opensc openssl poppler-utils zbar-tools chromium
  swtpm swtpm-tools tpm2-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtpm2-pkcs11-1 libtpm2-pkcs11-tools dbus opencryptoki)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: install them as root:  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# npm packages. Electron's binary cannot be downloaded offline; its types are all we need here.
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "setup: installing npm packages"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

# npm 11 may skip install scripts; the native modules must really be built.
for mod in pkcs11js better-sqlite3; do
  if ! ls node_modules/$mod/build/Release/*.node >/dev/null 2>&1; then
    echo "setup: building native module $mod"
    npm rebuild "$mod" --foreground-scripts --loglevel=error
  fi
done
node -e 'require("pkcs11js"); require("better-sqlite3")' || {
  echo "setup: native modules failed to load; try: npm rebuild pkcs11js better-sqlite3" >&2
  exit 1
}

# The compiled `ceremony` CLI (dist/cli). Rebuilt every time: it takes a second or two, and a
# build older than the sources would run old code (bin/ceremony.js refuses one).
node scripts/build-cli.mjs

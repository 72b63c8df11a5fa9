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
#
# better-sqlite3 compiles SQLite from source when its install script finds no prebuilt binary
# (about 70 s on one core, most of a fresh clone's set-up). Its install script (prebuild-install)
# first looks for a "local prebuild": this machine keeps the binary it built, packed as
# prebuild-install names it (package version, Node ABI, platform, arch), in a cache folder outside
# the clone, so the next clone unpacks it instead of compiling. prebuild-install loads the
# unpacked binary to check it and compiles when that fails; so does a changed version or Node.
prebuilds=${XDG_CACHE_HOME:-$HOME/.cache}/ceremony-workstation/prebuilds
export npm_config_better_sqlite3_local_prebuilds=$prebuilds
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

# Keeps the better-sqlite3 binary that loaded for the next clone (see above), written whole or not at all.
sqlite_prebuild=$prebuilds/$(node -p '`better-sqlite3-v${require("better-sqlite3/package.json").version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`')
if [[ ! -f $sqlite_prebuild ]] && mkdir -p "$prebuilds" 2>/dev/null; then
  tar -C node_modules/better-sqlite3 -czf "$sqlite_prebuild.$$.tmp" build/Release/better_sqlite3.node \
    && mv "$sqlite_prebuild.$$.tmp" "$sqlite_prebuild" || rm -f "$sqlite_prebuild.$$.tmp"
fi

# The compiled `ceremony` CLI (dist/cli). Rebuilt every time: it takes a second or two, and a
# build older than the sources would run old code (bin/ceremony.js refuses one).
node scripts/build-cli.mjs

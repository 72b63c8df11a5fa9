#!/usr/bin/env bash
# Recover an escrowed key from k share cards with the published spec, Python 3 and stock
# OpenSSL 3.0 (or later; 1.1.1 refuses -id-aes256-wrap-pad) — none of Ceremony Workstation's code.
# See docs/share-format.md, "Recovery without Ceremony Workstation".
#
#   docs/recipes/recover-key.sh BUNDLE KEY_LABEL WORDLIST CARD...
#
# BUNDLE    the master-key bundle (it holds escrow/KEY_LABEL.wrapped and the recorded KCVs)
# WORDLIST  the BIP-39 English list (english.txt)
# CARD      one file per card: its numbered words as printed, or its QR text
# EXPECTED_SIGNER (environment, optional): the signer fingerprint from the witness sheet.
#
# Stops at the first failure with a non-zero exit status: the bundle does not verify, a card is
# wrong, too few cards, the unwrap's integrity check fails, or the KCVs differ from the record.
# Run it offline, in a folder on a RAM disk. The recovered key is written to KEK_OUT only when
# that variable names a file; otherwise it is shredded when the script ends.
set -euo pipefail

fail() { echo "FAILED: $*" >&2; exit 1; }
[ $# -ge 4 ] || { echo "usage: $0 BUNDLE KEY_LABEL WORDLIST CARD..." >&2; exit 2; }
B=$1 LABEL=$2 WORDLIST=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/dev/shm}/recover-XXXXXX" 2>/dev/null || mktemp -d)
trap 'shred -u "$T"/* 2>/dev/null || true; rm -rf "$T"' EXIT

# 1. The bundle verifies (exit 3 = every check holds but no expected signer was given).
status=0
"$HERE/verify-bundle.sh" "$B" "${EXPECTED_SIGNER:-}" > "$T/verify.txt" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || { cat "$T/verify.txt" >&2; fail "the bundle does not verify; nothing in it can be trusted"; }
grep -E '^(signer fingerprint|NOT ANCHORED)' "$T/verify.txt" || true

# 2. The word list is BIP-39 English, whether or not the copy ends with a newline.
[ "$(sed -e '$a\' "$WORDLIST" | sha256sum | cut -d' ' -f1)" = 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda ] \
  || fail "$WORDLIST is not the BIP-39 English word list"

# 3. The wrapped key and the KCVs the master-key ceremony recorded (signed in transcript.json).
WRAPPED="$B/escrow/$LABEL.wrapped"
[ -f "$WRAPPED" ] || fail "$WRAPPED is not in the bundle"
RECORD=$(grep -o "\"details\":{[^}]*},\"kind\":\"kcv\",\"label\":\"$LABEL\"" "$B/transcript.json" | head -n 1) || fail "the transcript records no KCVs for $LABEL"
WANT_ECB0=$(printf '%s' "$RECORD" | grep -o '"kcvEcb0":"[0-9A-F]*"' | cut -d'"' -f4)
WANT_CMAC=$(printf '%s' "$RECORD" | grep -o '"kcvCmac":"[0-9A-F]*"' | cut -d'"' -f4)

# 4. Decode, check and combine the cards (docs/recipes/recover.py is the spec's reference decoder).
ESCROW_KEY=$(python3 "$HERE/recover.py" "$WORDLIST" "$@") || fail "the cards do not give an escrow key (see the message above)"

# 5. Unwrap (RFC 5649; OpenSSL fails when the integrity check fails, i.e. the escrow key is wrong).
openssl enc -d -id-aes256-wrap-pad -K "$ESCROW_KEY" -iv A65959A6 -in "$WRAPPED" -out "$T/KEK.bin" 2> "$T/openssl.txt" \
  || fail "the unwrap's integrity check failed: these cards do not open $LABEL ($(head -n 1 "$T/openssl.txt"))"
KEK=$(od -An -v -tx1 "$T/KEK.bin" | tr -d ' \n')

# 6. Key check values, compared with the record.
ECB0=$(head -c 16 /dev/zero | openssl enc -aes-256-ecb -nopad -K "$KEK" | od -An -tx1 | tr -d ' \n' | cut -c1-6 | tr a-f A-F)
CMAC=$(head -c 16 /dev/zero | openssl mac -cipher AES-256-CBC -macopt "hexkey:$KEK" CMAC | cut -c1-10)
echo "KCV-ECB0 $ECB0 (recorded $WANT_ECB0)"
echo "KCV-CMAC $CMAC (recorded $WANT_CMAC)"
[ "$ECB0" = "$WANT_ECB0" ] && [ "$CMAC" = "$WANT_CMAC" ] || fail "the recovered key's KCVs are not the recorded ones"
if [ -n "${KEK_OUT:-}" ]; then cp "$T/KEK.bin" "$KEK_OUT"; fi
echo "RECOVERED: $LABEL, KCVs match the master-key ceremony's record"

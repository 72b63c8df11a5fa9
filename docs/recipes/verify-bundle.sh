#!/usr/bin/env bash
# Verify a Ceremony Workstation bundle with stock OpenSSL 3.0 (or later) and coreutils — none of
# our code. See docs/verify-with-openssl.md for what each step means.
#
#   docs/recipes/verify-bundle.sh BUNDLE [EXPECTED_SIGNER_SHA256]
#
# EXPECTED_SIGNER_SHA256 is the fingerprint on the witness sheet (hex; spaces and colons are
# ignored). The script stops at the first failed check and exits non-zero:
#   0  every check holds and the signer is the expected one
#   1  a check failed (the message says which)
#   2  usage
#   3  every check holds, but no expected signer was given: compare the fingerprint printed
#      with the witness sheet
set -euo pipefail

fail() { echo "FAILED: $*" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 BUNDLE [EXPECTED_SIGNER_SHA256]" >&2; exit 2; }
B=$1
EXPECTED=$(printf '%s' "${2:-}" | tr -d ' :\n' | tr 'A-F' 'a-f')
[ -d "$B" ] || fail "$B is not a folder"
for f in transcript.json transcript.dsse.json signer.pub.pem manifest.json; do
  [ -f "$B/$f" ] || fail "$f is missing from the bundle"
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 1. Take the envelope apart (canonical JSON on one line: grep and cut are exact).
grep -o '"payloadType":"[^"]*"' "$B/transcript.dsse.json" | cut -d'"' -f4 | tr -d '\n' > "$T/type.txt"
grep -o '"payload":"[^"]*"' "$B/transcript.dsse.json" | cut -d'"' -f4 | base64 -d > "$T/payload.bin"
grep -o '"sig":"[^"]*"' "$B/transcript.dsse.json" | cut -d'"' -f4 | base64 -d > "$T/sig.der"
grep -o '"keyid":"[^"]*"' "$B/transcript.dsse.json" | cut -d'"' -f4 | tr -d '\n' > "$T/keyid.txt"

# 2. The signed payload must be transcript.json, byte for byte.
cmp -s "$T/payload.bin" "$B/transcript.json" || fail "the envelope's payload is not transcript.json"
echo "payload is transcript.json"

# 3. PAE = "DSSEv1" SP len(type) SP type SP len(payload) SP payload, lengths in bytes.
printf 'DSSEv1 %d %s %d ' "$(wc -c < "$T/type.txt")" "$(cat "$T/type.txt")" "$(wc -c < "$T/payload.bin")" > "$T/pae.bin"
cat "$T/payload.bin" >> "$T/pae.bin"

# 4. The signer's key type: ECDSA P-256 with SHA-256, or on tokens without it P-384 with SHA-384
#    or RSA-3072 (PKCS#1 v1.5) with SHA-256.
openssl pkey -pubin -in "$B/signer.pub.pem" -noout -text > "$T/key.txt" || fail "signer.pub.pem is not a public key"
if grep -q 'ASN1 OID: prime256v1' "$T/key.txt"; then ALG=EC-P256 DIGEST=-sha256
elif grep -q 'ASN1 OID: secp384r1' "$T/key.txt"; then ALG=EC-P384 DIGEST=-sha384
elif grep -q 'Public-Key: (3072 bit)' "$T/key.txt" && grep -q '^Modulus' "$T/key.txt"; then ALG=RSA-3072 DIGEST=-sha256
else fail "signer.pub.pem is not an ECDSA P-256, P-384 or RSA-3072 key"
fi

# 5. The signature (prints "Verified OK"); keyid, the transcript's record of its signer and the fingerprint agree.
openssl dgst "$DIGEST" -verify "$B/signer.pub.pem" -signature "$T/sig.der" "$T/pae.bin" || fail "the signature does not verify under signer.pub.pem"
SPKI=$(openssl pkey -pubin -in "$B/signer.pub.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
[ "$SPKI" = "$(cat "$T/keyid.txt")" ] || fail "the envelope's keyid is not the signer's fingerprint"
grep -q "\"signer\":{\"algorithm\":\"$ALG\",\"spkiSha256\":\"$SPKI\"}" "$B/transcript.json" || fail "signer.pub.pem is not the signer the transcript records"
echo "signer fingerprint: $SPKI"

# 6. Every file in manifest.json is present and unchanged, and nothing else is in the bundle.
sed -e 's/^{"files":{//' -e 's/}}$//' "$B/manifest.json" | tr ',' '\n' | sed 's/^"\([^"]*\)":"\([0-9a-f]*\)"$/\2  \1/' > "$T/manifest.sha256"
(cd "$B" && sha256sum --quiet --strict -c "$T/manifest.sha256") || fail "a file does not match manifest.json"
cut -d' ' -f3 "$T/manifest.sha256" | sort > "$T/listed.txt"
(cd "$B" && find . ! -type d ! -path ./manifest.json | sed 's|^\./||' | sort) > "$T/found.txt"
diff "$T/listed.txt" "$T/found.txt" > /dev/null || fail "the bundle holds files manifest.json does not list, or lacks some it lists"
echo "manifest lists exactly the files in the bundle"

# 7. Every other file is a signed output: its SHA-256 is in the signed transcript.
grep -o '"file":"[^"]*","kind":"[^"]*","label":"[^"]*","sha256":"[0-9a-f]*"' "$B/transcript.json" \
  | sed 's/^"file":"\([^"]*\)".*"sha256":"\([0-9a-f]*\)"$/\2  \1/' | sort -u -k2 > "$T/signed.sha256" || true
(cd "$B" && sha256sum --quiet --strict -c "$T/signed.sha256") || fail "a file does not match the hash in the signed transcript"
cut -d' ' -f3 "$T/signed.sha256" | sort > "$T/signed.txt"
grep -v -x -e transcript.json -e transcript.dsse.json -e signer.pub.pem "$T/found.txt" > "$T/others.txt" || true
diff "$T/signed.txt" "$T/others.txt" > /dev/null || fail "the bundle holds files the signed transcript does not list: $(comm -13 "$T/signed.txt" "$T/others.txt" | tr '\n' ' ')"
echo "every file is a signed output"

# 8. The anchor: the fingerprint the witnesses signed on the witness sheet.
if [ -z "$EXPECTED" ]; then
  echo "NOT ANCHORED: compare the signer fingerprint above with the witness sheet, or give it as the second argument"
  exit 3
fi
[ "$SPKI" = "$EXPECTED" ] || fail "the bundle is signed by $SPKI, not by the expected signer $EXPECTED"
echo "VERIFIED: signed by the expected key"

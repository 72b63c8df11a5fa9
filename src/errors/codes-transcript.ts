import { entry } from "./advice.ts";

const finding = (officer: string) => entry("transcript", ["VerifyFailure"], "stop", officer);
const DO_NOT_TRUST = "Do not trust this bundle; call the ceremony administrator.";

/** Writing bundles, and the findings of `verify` (src/transcript): an auditor reads these. */
export const TRANSCRIPT_ERRORS = {
  BUNDLE_EXISTS: entry("transcript", ["BundleExistsError"], "choose-another", "The output folder already contains files. A bundle is never written over anything: choose an empty folder."),
  BUNDLE_PATH_INVALID: entry("transcript", ["BundlePathError"], "stop", "A bundle file path could be misread or escape the bundle. This is a fault in the program; stop and report it."),
  BUNDLE_CONTENTS_INVALID: entry("transcript", ["BundleContentsError"], "stop", "The bundle's contents do not belong together. This is a fault in the program; stop and report it."),
  BUNDLE_WRITE_FAILED: entry(
    "transcript",
    ["BundleWriteError"],
    "retry",
    "The bundle could not be written (disk full, media removed, read-only); nothing was left there. Fix this or choose another folder, then write the bundle again.",
  ),
  TRANSCRIPT_INVALID: entry(
    "transcript",
    ["TranscriptBuildError", "VerifyFailure"],
    "stop",
    "The transcript does not pass verification; it is not signed (or, in a bundle, not trusted). Check the journal of this ceremony with the ceremony administrator.",
  ),
  TRANSCRIPT_SIGNER_INVALID: entry(
    "transcript",
    ["TranscriptSignerError"],
    "stop",
    "The transcript-signing key is not of a kind the transcript accepts, or its signature does not verify. Stop and check the token with the ceremony administrator.",
  ),
  SIGNER_ANCHOR_INVALID: entry(
    "transcript",
    ["AnchorError"],
    "choose-another",
    "The expected signer (--signer) is not the signer's PEM file, its SHA-256 fingerprint or its 32 PGP words as on the witness sheet. Copy it again from the witness sheet.",
  ),
  BUNDLE_UNREADABLE: finding(`The bundle folder or a file in it cannot be read. Check the media; ${DO_NOT_TRUST}`),
  BUNDLE_FILE_MISSING: finding(`A file every bundle has is missing. ${DO_NOT_TRUST}`),
  BUNDLE_FILE_NOT_REGULAR: finding(`A bundle file is a link or a special file, not a regular file. ${DO_NOT_TRUST}`),
  MANIFEST_INVALID: finding(`The manifest is not valid. ${DO_NOT_TRUST}`),
  MANIFEST_HASH_MISMATCH: finding(`A file's hash differs from the manifest: the file was changed. ${DO_NOT_TRUST}`),
  MANIFEST_FILE_MISSING: finding(`A file the manifest lists is missing. ${DO_NOT_TRUST}`),
  MANIFEST_EXTRA_FILE: finding(`The bundle holds a file the manifest does not list. ${DO_NOT_TRUST}`),
  ENVELOPE_INVALID: finding(`The signature envelope (DSSE) is not valid. ${DO_NOT_TRUST}`),
  ENVELOPE_PAYLOAD_TYPE: finding(`The signature envelope carries another payload type than a ceremony transcript. ${DO_NOT_TRUST}`),
  ENVELOPE_PAYLOAD_MISMATCH: finding(`The signed payload is not the transcript in the bundle. ${DO_NOT_TRUST}`),
  SIGNER_KEY_INVALID: finding(`The signer's public key file is not a usable key. ${DO_NOT_TRUST}`),
  SIGNER_KEY_UNEXPECTED: finding(`The bundle is signed by another key than the one expected (--signer). ${DO_NOT_TRUST}`),
  SIGNATURE_KEYID_MISMATCH: finding(`The signature names another key than the bundle's signer key. ${DO_NOT_TRUST}`),
  TRANSCRIPT_NOT_CANONICAL: finding(`The transcript is not canonical JSON (RFC 8785). ${DO_NOT_TRUST}`),
  EVENT_INVALID: finding(`An event's type is not one of the transcript's format version, or its body does not fit its schema. ${DO_NOT_TRUST}`),
  CHAIN_BROKEN: finding(`The transcript's event chain does not verify: an event was changed, removed, inserted or reordered. ${DO_NOT_TRUST}`),
  CHECKPOINT_MISMATCH: finding(`The transcript's checkpoint is not the head of its chain. ${DO_NOT_TRUST}`),
  SCRIPT_HASH_MISMATCH: finding(`The script in the bundle is not the script the ceremony ran. ${DO_NOT_TRUST}`),
  CEREMONY_STATUS_MISMATCH: finding(`The transcript's status does not follow from its events. ${DO_NOT_TRUST}`),
  PARTICIPANTS_MISMATCH: finding(`The transcript's participants do not follow from its events. ${DO_NOT_TRUST}`),
  ATTESTATION_MISSING: finding(`A completed step lacks the attestations its script requires. ${DO_NOT_TRUST}`),
  OUTPUT_INVALID: finding(`An output recorded in the transcript is not valid. ${DO_NOT_TRUST}`),
  OUTPUT_FILE_MISSING: finding(`An output file recorded in the transcript is missing from the bundle. ${DO_NOT_TRUST}`),
  OUTPUT_HASH_MISMATCH: finding(`An output file's hash differs from the transcript. ${DO_NOT_TRUST}`),
  MILESTONE_MISMATCH: finding(`A completed step lacks the journal head the witnesses copied down, or it differs from the chain: events before it were changed. ${DO_NOT_TRUST}`),
  SIGNER_NOT_RECORDED: finding(`The bundle's signing key is not the transcript-signing key the ceremony recorded. ${DO_NOT_TRUST}`),
  FILE_NOT_SIGNED: finding(`A file is in the bundle but the signed transcript does not list it: it was added or swapped in after the ceremony. ${DO_NOT_TRUST}`),
  ARTIFACT_MISMATCH: finding(`A file in the bundle differs from the artifact the ceremony recorded. ${DO_NOT_TRUST}`),
  LINK_MISMATCH: finding(`The bundle does not agree with the earlier ceremony's bundle it names (a recovery's escrow, an issuer certificate). ${DO_NOT_TRUST}`),
} as const;

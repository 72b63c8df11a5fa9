/**
 * Transcripts: building, DSSE signing, bundle writing and verification. Importable on its own by
 * the online system: nothing here (or below) imports better-sqlite3, pkcs11js, pdfkit or
 * electron — only the pure journal modules chain.ts, canonical-json.ts and secret-guard.ts.
 */
export {
  OUTPUT_KINDS,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_PAYLOAD_TYPE,
  type OutputKind,
  type Transcript,
  type TranscriptEvent,
  type TranscriptHeader,
  type TranscriptOutput,
  type TranscriptParticipant,
  type TranscriptSigner,
  signerOf,
} from "./types.ts";
export { type BuiltTranscript, type TranscriptInput, buildTranscript } from "./build-transcript.ts";
export { type SerializedTranscript, serializeTranscript } from "./transcript-json.ts";
export {
  type DsseEnvelope,
  type DsseSignature,
  envelopeBytes,
  keyIdOf,
  pae,
  paeHeader,
  signTranscript,
  spkiDerOf,
  spkiPem,
  transcriptSignerKey,
  verifyPaeSignature,
} from "./dsse.ts";
export {
  BUNDLE_FOLDERS,
  ENVELOPE_FILE,
  MANIFEST_FILE,
  RESERVED_FILES,
  SIGNER_FILE,
  TRANSCRIPT_FILE,
  assertArtifactPath,
  bundlePathProblem,
} from "./bundle-paths.ts";
export { type Manifest, buildManifest, manifestBytes, parseManifest, sha256Hex } from "./manifest.ts";
export { type BundleContents, type BundleFile, type WrittenBundle, writeBundle } from "./write-bundle.ts";
export {
  type BundleCheckContext,
  type BundleVerification,
  type ExtraCheck,
  type VerifyBundleOptions,
  verifyBundle,
} from "./verify-bundle.ts";
export { type SignedTranscriptInput, type SignedTranscriptVerification, verifySignedTranscript } from "./verify-signed-transcript.ts";
export { MAX_BUNDLE_FILE_BYTES } from "./verify-bundle.ts";
export { AnchorError, anchorFromPem, anchorFromText } from "./anchor.ts";
export { type BundleReport, type Verdict, type VerifyArchiveOptions, type VerifyReport, VERIFY_REPORT_FORMAT, exitStatusOf, findBundles, verifyArchive } from "./verify-archive.ts";
export { type LinkResult, type LinkedBundle, checkLinks } from "./verify-links.ts";
export { checkArtifacts } from "./verify-artifacts.ts";
export { checkMilestones, checkSignerFacts } from "./verify-records.ts";
export { type EnvelopeCheckInput, checkEnvelope } from "./verify-envelope.ts";
export { type TranscriptCheck, checkSerializedTranscript, checkTranscriptBytes } from "./verify-transcript.ts";
export { checkAttestations, joinedParticipants } from "./attestation-rules.ts";
export { type FailureCode, type VerifyFailure } from "./failures.ts";
export { BundleContentsError, BundleExistsError, BundlePathError, BundleWriteError, TranscriptBuildError, TranscriptSignerError } from "./errors.ts";

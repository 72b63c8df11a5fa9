/**
 * Builds the transcript of a ceremony from its journal events and facts. The result is checked
 * with the same code an auditor's `ceremony verify` runs, so a transcript that would fail
 * verification is never handed to the HSM to sign.
 */
import { createHash } from "node:crypto";
import type { RecordedEvent } from "../events/index.ts";
import type { Checkpoint } from "../journal/chain.ts";
import { recordShapeProblem } from "../journal/chain.ts";
import { findSecret } from "../journal/secret-guard.ts";
import { bundlePathProblem } from "./bundle-paths.ts";
import { TranscriptBuildError } from "./errors.ts";
import { serializeTranscript } from "./transcript-json.ts";
import {
  TRANSCRIPT_FORMAT,
  type Transcript,
  type TranscriptHeader,
  type TranscriptSigner,
  TranscriptHeaderSchema,
  type TranscriptOutput,
  type TranscriptParticipant,
} from "./types.ts";
import { checkSerializedTranscript } from "./verify-transcript.ts";

export interface TranscriptInput {
  ceremony: TranscriptHeader["ceremony"];
  /** The script file's text exactly as loaded; its SHA-256 is computed here. */
  script: { text: string; params: Record<string, unknown> };
  app: TranscriptHeader["app"];
  host: TranscriptHeader["host"];
  hsm: TranscriptHeader["hsm"];
  /** The key that will sign this transcript (its SPKI SHA-256), recorded inside what it signs. */
  signer: TranscriptSigner;
  /** Id, name, role and organisation only — never attestation PIN hashes. */
  participants: TranscriptParticipant[];
  /** Journal.events(ceremonyId): the records as stored, with their heads. */
  events: RecordedEvent[];
  outputs: TranscriptOutput[];
  /** Journal.checkpoint(ceremonyId). */
  checkpoint: Checkpoint;
}

export interface BuiltTranscript {
  transcript: Transcript;
  /** Canonical JSON: exactly the bytes of transcript.json and of the DSSE payload. */
  bytes: Buffer;
}

export function buildTranscript(input: TranscriptInput): BuiltTranscript {
  const header: TranscriptHeader = {
    format: TRANSCRIPT_FORMAT,
    ceremony: input.ceremony,
    script: { sha256: createHash("sha256").update(input.script.text, "utf8").digest("hex"), text: input.script.text, params: input.script.params },
    app: input.app,
    host: input.host,
    hsm: input.hsm,
    signer: input.signer,
    participants: input.participants,
    outputs: input.outputs,
    checkpoint: input.checkpoint,
  };
  const problems: string[] = [];
  const parsed = TranscriptHeaderSchema.safeParse(header);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`));
  }
  input.events.forEach((event, i) => {
    const shape = recordShapeProblem(event, true);
    if (shape !== null) problems.push(`events[${i}] ${shape}`);
  });
  for (const output of input.outputs) {
    const pathProblem = output.file === undefined ? null : bundlePathProblem(output.file);
    if (pathProblem !== null) problems.push(`output ${output.label}: file ${JSON.stringify(output.file)} ${pathProblem}`);
  }
  if (problems.length > 0) throw new TranscriptBuildError(problems);

  const transcript: Transcript = { ...header, events: input.events };
  const secret = findSecret(transcript, "transcript");
  if (secret) throw new TranscriptBuildError([`${secret.path}: ${secret.why}; secrets never go into a transcript`]);
  const serialized = serializeTranscript(transcript);
  const failures = checkSerializedTranscript(transcript, serialized);
  if (failures.length > 0) throw new TranscriptBuildError(failures.map((f) => f.message));
  return { transcript, bytes: Buffer.from(serialized.text, "utf8") };
}

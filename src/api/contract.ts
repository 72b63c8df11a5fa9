/**
 * The one contract between the renderer and the core (VS Code's "service contract" pattern):
 * each entry is a "domain:verb" channel with zod schemas for its request and its response.
 * electron/main registers the implementation (src/api/service.ts) under these names, the preload
 * exposes one typed function per entry as `window.ceremony`, and test/harness serves the same
 * entries over JSON-RPC. Renderer code imports only types from here.
 */
import { z } from "zod";
import { ADVICE_KINDS } from "../common/advice.ts";

/**
 * A failure as the renderer sees it: the code, the message for the officer, and the code's advice
 * kind from the error registry (src/errors/registry.ts) with its one sentence, which decide what
 * the screen offers next ("Retry" only where retrying can help; src/common/advice.ts).
 */
export const ApiError = z.object({ name: z.string(), code: z.string(), message: z.string(), advice: z.enum(ADVICE_KINDS), adviceText: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

const Label = z.string().min(1).max(128);
const Pin = z.string().min(1).max(128);
const ShareText = z.string().min(1).max(4000);
const Path = z.string().min(1).max(4096);
/** A PKCS#11 module's init string (NSS softokn needs one); passed to C_Initialize, never shown as a secret. */
const ModuleArgs = z.string().min(1).max(4096);

export const TokenSummary = z.object({
  slotId: z.string(),
  label: z.string(),
  serial: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  firmware: z.string(),
  flags: z.object({
    initialized: z.boolean(),
    loginRequired: z.boolean(),
    userPinCountLow: z.boolean(),
    userPinFinalTry: z.boolean(),
    userPinLocked: z.boolean(),
  }),
});
export type TokenSummary = z.infer<typeof TokenSummary>;

/** The capability preflight's verdicts (src/ceremony/preflight.ts), shown on the start screen. */
export const PreflightView = z.object({
  ok: z.boolean(),
  elapsedMs: z.number(),
  token: z.object({ label: z.string(), serial: z.string(), manufacturer: z.string(), model: z.string() }),
  mechanismCount: z.number(),
  rfc5649Mechanism: z.string().nullable(),
  rows: z.array(z.object({ need: z.string(), steps: z.string(), offered: z.string(), verdict: z.enum(["ok", "refused", "unverified"]), advice: z.string() })),
});
export type PreflightView = z.infer<typeof PreflightView>;

export const ValidationIssue = z.object({ path: z.string(), message: z.string() });

export const ParameterView = z.object({
  name: z.string(),
  type: z.string(),
  description: z.string(),
  required: z.boolean(),
  default: z.unknown().optional(),
  values: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const ScriptSummary = z.object({
  file: z.string(),
  id: z.string().optional(),
  title: z.string().optional(),
  version: z.number().optional(),
  description: z.string().optional(),
  sha256: z.string().optional(),
  /** SHA-256 of the resolved parameters (canonical JSON), once they validate. */
  parametersSha256: z.string().optional(),
  parameters: z.array(ParameterView),
  roles: z.record(z.string(), z.number()),
  steps: z.array(z.object({ id: z.string(), title: z.string(), action: z.string() })),
  issues: z.array(ValidationIssue),
});
export type ScriptSummary = z.infer<typeof ScriptSummary>;

/** A read-aloud value: hex in groups of four and PGP words for fingerprints. */
export const OutputView = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(["fingerprint", "hex", "kcv", "text"]),
  value: z.string(),
  hexGroups: z.string().optional(),
  words: z.array(z.string()).optional(),
  /** What the printed script asks witnesses to copy of this value (src/ceremony/paper-blanks.ts). */
  paper: z.object({ label: z.string(), copy: z.string(), digits: z.number().optional() }).optional(),
});
export type OutputView = z.infer<typeof OutputView>;

export const ParticipantView = z.object({ id: z.string(), name: z.string(), role: z.string(), organisation: z.string(), title: z.string().optional() });
export type ParticipantView = z.infer<typeof ParticipantView>;

export const StepView = z.object({
  index: z.number(),
  id: z.string(),
  title: z.string(),
  instructions: z.string(),
  checklist: z.array(z.string()),
  performerRole: z.string(),
  action: z.string(),
  actionSummary: z.string(),
  needs: z.array(z.enum(["hsm-pin", "shares", "file"])),
  attestation: z.object({ roles: z.array(z.string()), count: z.number(), including: z.array(z.object({ title: z.string(), anyOf: z.array(z.string()) })).optional() }),
  status: z.enum(["pending", "running", "failed", "awaiting-attestation", "completed"]),
  performer: z.string().nullable(),
  outputs: z.array(OutputView),
  attestations: z.array(z.object({ participantId: z.string(), name: z.string(), time: z.string() })),
  shortfall: z.string().nullable(),
  /** The step's last failure, from the journal; the advice kind and sentence come from the registry (they are not journaled). */
  lastError: ApiError.omit({ name: true }).nullable(),
  milestone: z.string().nullable(),
  /**
   * For an action that signs, creates or destroys a key: what it will do (empty until shown),
   * who confirmed it, and whether the action still waits for that confirmation. Null otherwise.
   */
  preview: z
    .object({
      required: z.boolean(),
      /** False for a step that acts without the HSM (a re-escrow's revocation only records): the panel then does not speak of the HSM. */
      usesHsm: z.boolean(),
      items: z.array(z.object({ label: z.string(), value: z.string() })),
      attesters: z.array(z.object({ participantId: z.string(), name: z.string() })),
    })
    .nullable(),
  /**
   * A card set this step split before (a printer jam, a crash while printing) that is void: its
   * delivered cards, who attested they were collected for destruction, and how many must.
   * The step's action waits until it is voided. Null otherwise.
   */
  /**
   * A re-escrow's old card set as one table, for the projector (one read-aloud block per card
   * does not fit 1920×1080): each card's number, holder, the first 16 hex digits of its share
   * fingerprint (as printed on the card) and what becomes of it. `replaces` names the step's
   * outputs the table stands for; `recorded` is false while the table shows the check step's plan
   * (the revocation before it has run). Null for other steps.
   */
  oldCards: z
    .object({
      setId: z.string(),
      recorded: z.boolean(),
      replaces: z.array(z.string()),
      rows: z.array(z.object({ card: z.number(), holder: z.string(), fingerprint: z.string(), fate: z.string(), tone: z.enum(["destroy", "out", "lost", "other"]) })),
    })
    .nullable(),
  cardSetVoid: z
    .object({
      keyLabel: z.string(),
      setId: z.string(),
      notice: z.array(z.string()),
      deliveredCards: z.array(z.object({ card: z.number(), participantId: z.string(), holder: z.string(), fingerprint: z.string() })),
      attesters: z.array(z.object({ participantId: z.string(), name: z.string() })),
      needed: z.number(),
    })
    .nullable(),
});
export type StepView = z.infer<typeof StepView>;

export const CeremonyView = z.object({
  ceremonyId: z.string(),
  scriptId: z.string(),
  title: z.string(),
  phase: z.enum(["sign-in", "air-gap", "steps", "ready-to-finish", "completed", "aborted", "blocked"]),
  rehearsal: z.boolean(),
  roleMinimums: z.record(z.string(), z.number()),
  participants: z.array(ParticipantView),
  /**
   * Witnesses the script's policy names by job title (e.g. the CISO), and who fills each: during
   * sign-in, whoever signed in so far; afterwards, as recorded when sign-in closed.
   */
  namedWitnesses: z.array(
    z.object({
      title: z.string(),
      anyOf: z.array(z.string()),
      roles: z.array(z.string()),
      count: z.number(),
      policy: z.string().optional(),
      filledBy: z.array(z.object({ id: z.string(), name: z.string(), title: z.string() })),
    }),
  ),
  airGap: z
    .object({ interfacesUp: z.array(z.string()), decision: z.string(), overrideAttesters: z.array(z.string()) })
    .nullable(),
  token: z.object({ label: z.string(), serial: z.string(), manufacturer: z.string(), model: z.string(), firmware: z.string() }).nullable(),
  hsmReady: z.boolean(),
  steps: z.array(StepView),
  currentStep: z.number().nullable(),
  abortReason: z.string().nullable(),
  eventCount: z.number(),
  head: z.string(),
  /** Which share holders' cards are verified (read back), for the board. */
  shareBoard: z.array(z.object({ card: z.number(), participantId: z.string(), holder: z.string(), verified: z.boolean(), preview: z.boolean() })),
  bundleDir: z.string().nullable(),
  /** Where the bundle is to be written (chosen at the start, or again after a failed write). */
  outDir: z.string(),
  /** Why the last attempt to sign and write the bundle failed; null before one and after success. */
  finishError: ApiError.omit({ name: true }).nullable(),
  /** A recovery's card set, from its bundle: holders compare the set ID with their card before typing it. */
  recoverySource: z.object({ keyLabel: z.string(), setId: z.string(), k: z.number(), n: z.number(), bundleDir: z.string() }).nullable(),
  /** The last time this ceremony was resumed from the journal (after the app stopped), or null. */
  resumed: z.object({ time: z.string(), atEvent: z.number() }).nullable().optional(),
});
export type CeremonyView = z.infer<typeof CeremonyView>;

/**
 * A ceremony the journal holds that has not ended (the app stopped mid-ceremony): what it is, where
 * it stands, when it started, the token it ran on, and who signed in (to decide an abandon).
 */
export const UnfinishedCeremony = z.object({
  ceremonyId: z.string(),
  scriptId: z.string(),
  title: z.string(),
  scriptFile: z.string(),
  phase: z.enum(["sign-in", "air-gap", "steps", "ready-to-finish", "completed", "aborted", "blocked"]),
  stepIndex: z.number().nullable(),
  stepCount: z.number(),
  /** Where it stands, in words: "Step 3 of 7: Generate the root key". */
  where: z.string(),
  startedAt: z.string(),
  lastEventAt: z.string(),
  eventCount: z.number(),
  token: z.object({ label: z.string(), serial: z.string().nullable() }),
  rehearsal: z.boolean(),
  participants: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
});
export type UnfinishedCeremony = z.infer<typeof UnfinishedCeremony>;

export const VerificationView = z.object({
  ok: z.boolean(),
  dir: z.string(),
  failures: z.array(z.object({ code: z.string(), message: z.string() })),
  ceremony: z
    .object({ id: z.string(), title: z.string(), scriptId: z.string(), status: z.string(), startedAt: z.string(), endedAt: z.string(), rehearsal: z.boolean() })
    .nullable(),
  participants: z.array(ParticipantView),
  steps: z.array(
    z.object({
      index: z.number(),
      title: z.string(),
      performer: z.string().nullable(),
      attesters: z.array(z.object({ name: z.string(), role: z.string(), time: z.string() })),
      completedAt: z.string().nullable(),
    }),
  ),
  events: z.array(z.object({ seq: z.number(), time: z.string(), actor: z.string(), type: z.string(), summary: z.string() })),
  outputs: z.array(z.object({ kind: z.string(), label: z.string(), file: z.string().nullable(), details: z.record(z.string(), z.string()) })),
  checkpoint: z.object({ eventCount: z.number(), head: z.string() }).nullable(),
  signer: z.object({ spkiSha256: z.string(), hexGroups: z.string(), words: z.array(z.string()) }).nullable(),
});
export type VerificationView = z.infer<typeof VerificationView>;

/** One copy of a key (a token, a share card, a wrapped blob) and what became of it, in words. */
export const KeyCopyView = z.object({
  kind: z.enum(["token", "card", "wrapped-key"]),
  what: z.string(),
  fate: z.string(),
  status: z.enum(["present", "destroyed", "collected-and-destroyed", "unknown"]),
  /** Not accounted for: present or lost. */
  remains: z.boolean(),
});
export type KeyCopyView = z.infer<typeof KeyCopyView>;

/** A key (label + check values or SPKI), its first token, and every copy; destroyed only when all are accounted for. */
export const KeyView = z.object({
  label: z.string(),
  ckaId: z.string(),
  tokenLabel: z.string(),
  tokenSerial: z.string(),
  algorithm: z.string(),
  purpose: z.string(),
  status: z.enum(["active", "due-soon", "overdue", "destroyed", "partly-destroyed"]),
  copies: z.array(KeyCopyView),
  spkiSha256: z.string().nullable(),
  kcvEcb0: z.string().nullable(),
  kcvCmac: z.string().nullable(),
  createdAt: z.string(),
  rotationDueAt: z.string().nullable(),
  destroyedAt: z.string().nullable(),
  /** The script that rotates this kind of key (src/common/rotation.ts), and whether this workstation has it. */
  rotation: z.object({ script: z.string(), available: z.boolean() }).nullable(),
  /** The aborted ceremony that made this key, while it is not destroyed: it is to be adopted or destroyed. */
  abortedCeremony: z.string().nullable(),
  /** The key a rotation ceremony replaced this one with, and the one(s) this key replaced (by label and ID). */
  replacedBy: z.object({ label: z.string(), ckaId: z.string() }).nullable().optional(),
  replaces: z.array(z.object({ label: z.string(), ckaId: z.string() })).optional(),
  /** A replaced key's scheduled destruction date (its status follows it instead of the rotation date). */
  destructionDueAt: z.string().nullable().optional(),
});
export type KeyView = z.infer<typeof KeyView>;

const EvidenceStatus = z.enum(["evidenced", "missing", "overdue", "contradicted"]);
const PolicySourceView = z.object({ seed: z.string(), seedFile: z.string(), section: z.string(), quote: z.string() });

/** The policy evidence report (src/evidence, docs/evidence-report.md), as the auditor's screen shows it. */
export const EvidenceReportView = z.object({
  format: z.string(),
  generatedAt: z.string(),
  asOf: z.string(),
  anchors: z.array(z.string()),
  bundles: z.array(
    z.object({
      path: z.string(),
      ceremonyId: z.string().nullable(),
      scriptId: z.string().nullable(),
      verdict: z.string(),
      signerSpkiSha256: z.string().nullable(),
      anchored: z.boolean(),
      rehearsal: z.boolean(),
      use: z.enum(["evidence", "not-verified"]),
      failures: z.array(z.object({ code: z.string(), message: z.string() })),
    }),
  ),
  requirements: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      check: z.string(),
      sources: z.array(PolicySourceView),
      status: EvidenceStatus,
      evidence: z.array(
        z.object({
          ceremonyId: z.string(),
          bundle: z.string(),
          seq: z.number().nullable(),
          time: z.string(),
          actor: z.object({ id: z.string(), name: z.string(), role: z.string() }).nullable(),
          text: z.string(),
        }),
      ),
      findings: z.array(z.object({ kind: EvidenceStatus.exclude(["evidenced"]), text: z.string(), ceremonyId: z.string().nullable(), bundle: z.string().nullable(), seq: z.number().nullable() })),
    }),
  ),
  pciDss: z.array(z.object({ id: z.string(), pciTitle: z.string(), seedMapping: PolicySourceView.nullable(), requirements: z.array(z.string()), status: EvidenceStatus })),
  notes: z.array(z.string()),
  summary: z.object({
    bundles: z.number(),
    usedAsEvidence: z.number(),
    notVerified: z.number(),
    notAnchored: z.number(),
    requirements: z.object({ evidenced: z.number(), missing: z.number(), overdue: z.number(), contradicted: z.number() }),
  }),
  exitStatus: z.number(),
});
export type EvidenceReportView = z.infer<typeof EvidenceReportView>;

export const ShareCheck = z.object({
  ok: z.boolean(),
  /** Per-word feedback while typing: index (0-based) → problem. */
  words: z.array(z.object({ index: z.number(), word: z.string(), known: z.boolean(), suggestion: z.string().nullable() })),
  wordCount: z.number(),
  expectedWords: z.number(),
  setId: z.string().nullable(),
  k: z.number().nullable(),
  n: z.number().nullable(),
  fingerprint: z.string().nullable(),
  /** For read-back: the card this share is, when it matches the holder's card. */
  card: z.number().nullable(),
  message: z.string(),
});
export type ShareCheck = z.infer<typeof ShareCheck>;

/** Where a started or resumed ceremony runs and writes: its bundle folder, the PKCS#11 module and the token. */
const CEREMONY_TARGET = {
  /** Where the bundle goes; without it, a new folder named after the ceremony in the workstation's bundles folder. */
  outDir: Path.optional(),
  modulePath: Path.optional(),
  moduleArgs: ModuleArgs.optional(),
  token: z.object({ label: Label, serial: z.string().max(64).optional() }).strict().optional(),
};

export const contract = {
  "app:info": {
    request: z.object({}).strict(),
    response: z.object({ version: z.string(), rehearsalOnly: z.boolean(), defaultModule: z.string(), scriptsDir: z.string() }),
  },
  "scripts:list": {
    request: z.object({}).strict(),
    response: z.array(ScriptSummary),
  },
  "scripts:load": {
    request: z.object({ file: z.string().min(1).max(256), parameters: z.record(z.string(), z.unknown()).optional() }).strict(),
    response: ScriptSummary,
  },
  "scripts:print": {
    request: z
      .object({ file: z.string().min(1).max(256), parameters: z.record(z.string(), z.unknown()).optional(), rehearsal: z.boolean() })
      .strict(),
    /** The paper script, saved where the bundles go (it holds nothing secret). */
    response: z.object({ path: z.string(), scriptSha256: z.string(), parametersSha256: z.string() }),
  },
  "hsm:tokens": {
    request: z.object({ modulePath: Path.optional(), moduleArgs: ModuleArgs.optional() }).strict(),
    response: z.array(TokenSummary),
  },
  /** Before anybody signs in: can the chosen token do what the script needs? ceremony:start asks again. */
  "hsm:preflight": {
    request: z
      .object({
        file: z.string().min(1).max(256),
        parameters: z.record(z.string(), z.unknown()),
        rehearsal: z.boolean(),
        modulePath: Path.optional(),
        moduleArgs: ModuleArgs.optional(),
        token: z.object({ label: Label, serial: z.string().max(64).optional() }).strict().optional(),
      })
      .strict(),
    response: PreflightView,
  },
  "airgap:check": {
    request: z.object({}).strict(),
    response: z.object({ interfacesUp: z.array(z.string()), clear: z.boolean() }),
  },
  /**
   * Before anybody signs in: the bundle folder must be absent or an empty folder that can be
   * written (ceremony:start checks it again). The answer is the folder as it will be used.
   */
  "output:check": {
    request: z.object({ dir: Path }).strict(),
    response: z.object({ dir: z.string() }),
  },
  "ceremony:start": {
    request: z
      .object({
        file: z.string().min(1).max(256),
        parameters: z.record(z.string(), z.unknown()),
        rehearsal: z.boolean(),
        ...CEREMONY_TARGET,
      })
      .strict(),
    response: CeremonyView,
  },
  /** Ceremonies the journal holds that never ended (the app stopped mid-ceremony), newest first. */
  "ceremony:unfinished": {
    request: z.object({}).strict(),
    response: z.array(UnfinishedCeremony),
  },
  /**
   * Re-opens an unfinished ceremony at its first unfinished step, on the token it ran on (chosen
   * on the start screen as for a new ceremony; another token is refused). The HSM PIN is asked
   * again at the step that needs the HSM. A rehearsal is refused: its throwaway token is gone.
   */
  "ceremony:resume": {
    request: z
      .object({
        ceremonyId: z.string().min(1).max(128),
        ...CEREMONY_TARGET,
      })
      .strict(),
    response: CeremonyView,
  },
  /**
   * A rehearsal that cannot be resumed (its throwaway token did not survive the restart) is
   * abandoned: aborted as the officer console aborts (who decides, why, an internal witness's PIN).
   * When it had not yet made its transcript-signing key, the answer is the open, aborted ceremony,
   * which ceremony:finish signs as ABORTED on a fresh throwaway token. When that key was made (and
   * went with the old token, so no transcript can ever be signed as this ceremony's), the abort
   * is journaled as its end, nothing is left open (view null), and `note` says so.
   */
  "ceremony:abandon": {
    request: z
      .object({ ceremonyId: z.string().min(1).max(128), actorId: z.string().min(1).max(64), reason: z.string().min(1).max(1000), witnessId: z.string().min(1).max(64).optional(), witnessPin: Pin.optional() })
      .strict(),
    response: z.object({ view: CeremonyView.nullable(), note: z.string() }),
  },
  "ceremony:state": {
    request: z.object({}).strict(),
    response: CeremonyView.nullable(),
  },
  "ceremony:add-participant": {
    request: z
      .object({ name: z.string().min(1).max(120), role: z.string().min(1).max(40), organisation: z.string().min(1).max(120), title: z.string().max(120).optional(), attestationPin: Pin })
      .strict(),
    response: CeremonyView,
  },
  "ceremony:confirm-participants": {
    request: z.object({}).strict(),
    response: CeremonyView,
  },
  "ceremony:airgap-override": {
    request: z.object({ participantId: z.string().min(1).max(64), pin: Pin }).strict(),
    response: CeremonyView,
  },
  "ceremony:run-action": {
    request: z
      .object({
        performerId: z.string().min(1).max(64),
        hsmPin: Pin.optional(),
        shares: z.array(z.object({ participantId: z.string().min(1).max(64), text: ShareText }).strict()).max(255).optional(),
        file: z.object({ name: z.string().min(1).max(256), base64: z.string().max(200_000) }).strict().optional(),
      })
      .strict(),
    response: CeremonyView,
  },
  "ceremony:preview": {
    request: z.object({}).strict(),
    response: CeremonyView,
  },
  "ceremony:attest-preview": {
    request: z.object({ participantId: z.string().min(1).max(64), pin: Pin }).strict(),
    response: CeremonyView,
  },
  /** A witness attests that the delivered cards of the set being voided were collected for destruction. */
  "ceremony:attest-card-set-void": {
    request: z.object({ participantId: z.string().min(1).max(64), pin: Pin }).strict(),
    response: CeremonyView,
  },
  "ceremony:attest": {
    request: z.object({ participantId: z.string().min(1).max(64), pin: Pin, confirmed: z.array(z.string().max(300)).max(30) }).strict(),
    response: CeremonyView,
  },
  "ceremony:abort": {
    // Dual control: an internal witness other than the actor confirms with their attestation PIN.
    request: z
      .object({ actorId: z.string().min(1).max(64), reason: z.string().min(1).max(1000), witnessId: z.string().min(1).max(64).optional(), witnessPin: Pin.optional() })
      .strict(),
    response: CeremonyView,
  },
  "ceremony:finish": {
    /**
     * `outDir`: after writing the bundle failed (a full disk, a pulled stick, a folder no longer
     * empty), another new or empty folder; the bundle is built from the journal again.
     */
    request: z.object({ hsmPin: Pin.optional(), outDir: Path.optional() }).strict(),
    response: z.object({ view: CeremonyView, verification: VerificationView }),
  },
  "cards:preview": {
    request: z.object({ participantId: z.string().min(1).max(64) }).strict(),
    response: z.object({ card: z.number(), holder: z.string(), pngDataUrl: z.string().nullable(), destination: z.string() }),
  },
  "shares:check": {
    request: z
      .object({
        text: ShareText,
        participantId: z.string().max(64).optional(),
        /** Cards already entered on this screen (fingerprints, never words): a second entry of one is refused. */
        entered: z.array(z.object({ participantId: z.string().min(1).max(64), fingerprint: z.string().regex(/^[0-9a-f]{1,128}$/) }).strict()).max(255).optional(),
      })
      .strict(),
    response: ShareCheck,
  },
  "shares:wordlist": {
    request: z.object({}).strict(),
    response: z.array(z.string()),
  },
  "bundle:verify": {
    request: z.object({ dir: Path }).strict(),
    response: VerificationView,
  },
  "bundle:list": {
    request: z.object({}).strict(),
    response: z.array(z.object({ dir: z.string(), name: z.string() })),
  },
  "keys:list": {
    request: z.object({}).strict(),
    response: z.array(KeyView),
  },
  /**
   * The policy evidence report over bundle folders (the workstation's own bundles when none is
   * given), judged as of `asOf` (a date); with `save`, its PDF and JSON are written under the data
   * folder's reports/ and their paths returned.
   */
  "report:evidence": {
    request: z
      .object({
        dirs: z.array(Path).max(64).optional(),
        asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2027-12-31").optional(),
        signers: z.array(z.string().min(1).max(4096)).max(16).optional(),
        save: z.boolean(),
      })
      .strict(),
    response: z.object({ report: EvidenceReportView, saved: z.object({ pdf: z.string(), json: z.string() }).nullable() }),
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]["request"]>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]["response"]>;

/** What the preload exposes as window.ceremony: one async function per channel. */
export type CeremonyApi = {
  [C in Channel]: (request: RequestOf<C>) => Promise<ApiResult<ResponseOf<C>>>;
};

/** Progress events pushed from the core to the renderer (long HSM work, journal heads). */
export const ProgressEvent = z.object({
  kind: z.enum(["hsm-busy", "hsm-idle", "step-changed", "journal-head"]),
  operation: z.string().optional(),
  elapsedMs: z.number().optional(),
  detail: z.string().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** window.ceremony as the preload exposes it: the contract, plus a progress subscription. */
export type CeremonyWindowApi = CeremonyApi & {
  onProgress(listener: (event: ProgressEvent) => void): () => void;
};

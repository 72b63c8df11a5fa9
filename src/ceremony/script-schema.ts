/**
 * The shape of a ceremony script (ceremony-scripts/*.yaml): one file is the whole input of a
 * ceremony (Boulder's habit). Every object is strict, so a misspelt key is an error, never
 * silently ignored.
 */
import { z } from "zod";
import { ROLES } from "./roles.ts";

const Identifier = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "must be lowercase letters, digits and hyphens, starting with a letter");
const ParamName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,63}$/, "must be letters and digits, starting with a letter");

export const RoleName = z.enum(ROLES);

const ParameterBase = { description: z.string().min(1).max(500), required: z.boolean().optional() };

/** A parameter's pattern is checked as a JavaScript regular expression with the u flag. */
const RegexPattern = z.string().refine((pattern) => {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

export const ParameterDefinition = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("string"),
    ...ParameterBase,
    default: z.string().optional(),
    pattern: RegexPattern.optional(),
    // The pattern in words for the person typing ("letters, digits, . _ and -"): a regex is not an error message.
    patternHint: z.string().min(1).max(200).optional(),
    maxLength: z.number().int().positive().optional(),
  }).strict(),
  z.object({ type: z.literal("integer"), ...ParameterBase, default: z.number().int().optional(), min: z.number().int().optional(), max: z.number().int().optional() }).strict(),
  z.object({ type: z.literal("boolean"), ...ParameterBase, default: z.boolean().optional() }).strict(),
  z.object({ type: z.literal("enum"), ...ParameterBase, values: z.array(z.string().min(1)).min(1), default: z.string().optional() }).strict(),
  z.object({ type: z.literal("string-list"), ...ParameterBase, default: z.array(z.string()).optional(), maxItems: z.number().int().positive().optional() }).strict(),
  z.object({ type: z.literal("date"), ...ParameterBase, default: z.string().optional() }).strict(),
  z.object({
    type: z.literal("revocation-list"),
    ...ParameterBase,
    default: z.array(z.unknown()).optional(),
  }).strict(),
  z.object({ type: z.literal("file"), ...ParameterBase, default: z.string().optional() }).strict(),
]);
export type ParameterDefinition = z.infer<typeof ParameterDefinition>;

/**
 * A witness the policy names by job title: "Key rotation ceremonies must include at least two
 * witnesses, one being the CISO or Director of Cybersecurity" (POL-SEC-KM) becomes
 *   requiredTitles:
 *     - id: ciso
 *       title: CISO or Director of Cybersecurity
 *       anyOf: [CISO, Director of Cybersecurity]
 *       roles: [internal-witness]
 * Sign-in cannot close until distinct people with those titles and roles have signed in, and a
 * step whose attestation says `including: [ciso]` completes only when one of them attests it.
 * Titles are compared ignoring case and spacing (src/common/named-witnesses.ts).
 */
export const RequiredTitle = z
  .object({
    id: Identifier,
    title: z.string().min(1).max(120),
    anyOf: z.array(z.string().trim().min(1).max(120)).min(1).max(8),
    roles: z.array(RoleName).min(1).default(["internal-witness"]),
    count: z.number().int().min(1).max(8).default(1),
    /** The policy sentence this requirement implements, for the paper and the evidence report. */
    policy: z.string().min(1).max(300).optional(),
  })
  .strict();
export type RequiredTitle = z.infer<typeof RequiredTitle>;

export const AttestationRule = z
  .object({
    roles: z.array(RoleName).min(1),
    count: z.number().int().min(1).max(16),
    /** Ids of requiredTitles whose holder must be among this step's attesters. */
    including: z.array(Identifier).min(1).max(8).optional(),
  })
  .strict();
export type AttestationRule = z.infer<typeof AttestationRule>;

export const StepDefinition = z
  .object({
    id: Identifier,
    title: z.string().min(1).max(200),
    instructions: z.string().max(10_000).default(""),
    checklist: z.array(z.string().min(1).max(300)).max(30).default([]),
    performer: RoleName.default("crypto-officer"),
    action: z
      .object({
        type: z.string().min(1),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
    attestation: AttestationRule.default({ roles: ["internal-witness"], count: 2 }),
    show: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type StepDefinition = z.infer<typeof StepDefinition>;

export const ScriptDefinition = z
  .object({
    id: Identifier,
    title: z.string().min(1).max(200),
    version: z.number().int().min(1),
    description: z.string().max(5000).optional(),
    policies: z.array(z.string().min(1).max(300)).default([]),
    airGap: z.enum(["block", "allow-with-override"]).default("block"),
    // A head-count may come from a parameter ("share-holder: ${cardCount}"): one card per holder.
    requiredTitles: z.array(RequiredTitle).max(8).default([]),
    roles: z.partialRecord(RoleName, z.union([z.number().int().min(0).max(255), z.string().regex(/^\$\{[a-zA-Z][a-zA-Z0-9]*\}$/, "must be a number or ${parameter}")])).default({}),
    parameters: z.record(ParamName, ParameterDefinition).default({}),
    steps: z.array(StepDefinition).min(1).max(100),
  })
  .strict();
export type ScriptDefinition = z.infer<typeof ScriptDefinition>;

/** A parameters file: values for the script's parameters, and, for rehearsals, scripted people. */
export const ParamsFile = z
  .object({
    parameters: z.record(z.string(), z.unknown()).default({}),
    participants: z
      .array(
        z
          .object({
            name: z.string().min(1).max(120),
            role: RoleName,
            organisation: z.string().min(1).max(120),
            title: z.string().min(1).max(120).optional(),
            attestationPin: z.string().min(4).max(64).optional(),
          })
          .strict(),
      )
      .optional(),
    token: z.object({ label: z.string().min(1), serial: z.string().optional() }).strict().optional(),
  })
  .strict();
export type ParamsFile = z.infer<typeof ParamsFile>;

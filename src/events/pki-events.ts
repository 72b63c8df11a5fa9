/** PKI bookkeeping: lint outcomes before signing, and CRL numbers taken (they only ever grow). */
import { z } from "zod";
import { stepIndex } from "./shared.ts";

export const pkiEvents = {
  "pki.linted": z.strictObject({ stepIndex, what: z.string(), checked: z.number().int().min(0), notPassed: z.array(z.string()), skipped: z.array(z.string()) }),
  "pki.crl-number.taken": z.strictObject({ issuer: z.string(), crlNumber: z.string().regex(/^[0-9]+$/u) }),
};

import { readFile } from "node:fs/promises";
import { scriptRecheck } from "../ceremony/script-recheck.ts";
import { formatFingerprint } from "../common/index.ts";
import { verifyBundle } from "../transcript/index.ts";
import type { CliIo } from "./io.ts";

/** `ceremony verify BUNDLE [--signer PEM]`: exit 0 only when every check passes; names each failure. */
export async function verifyCommand(io: CliIo, bundle: string | undefined, signerPath?: string): Promise<number> {
  if (!bundle) {
    io.err("ceremony verify: give the bundle folder: ceremony verify BUNDLE [--signer PEM]");
    return 2;
  }
  const signerPem = signerPath ? await readFile(signerPath, "utf8") : undefined;
  const result = await verifyBundle(bundle, { ...(signerPem ? { signerPem } : {}), extraChecks: [scriptRecheck] });
  const t = result.transcript;
  if (t && result.ok) {
    const rehearsal = t.events[0]?.body.rehearsal === true ? ", REHEARSAL on a throwaway token" : "";
    io.out(`ceremony   ${t.ceremony.id} — ${t.ceremony.title} (${t.ceremony.status}${rehearsal})`);
    io.out(`script     ${t.ceremony.scriptId} sha256 ${formatFingerprint(t.script.sha256)}`);
    io.out(`events     ${t.checkpoint.eventCount}, head ${formatFingerprint(t.checkpoint.head)}`);
    io.out(`outputs    ${t.outputs.map((o) => `${o.kind}:${o.label}`).join(", ") || "none"}`);
  }
  if (result.ok) {
    io.out(`VERIFIED: ${bundle} — signature, manifest, journal chain, checkpoint, script and attestation rules all hold.`);
    return 0;
  }
  io.err(`NOT VERIFIED: ${bundle} — ${result.failures.length} failure${result.failures.length === 1 ? "" : "s"}:`);
  for (const f of result.failures) io.err(`  [${f.code}] ${f.message}`);
  return 1;
}

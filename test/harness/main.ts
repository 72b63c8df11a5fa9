/**
 * `npm run ui`: builds the renderer if needed, starts the browser harness on a random loopback
 * port, and prints the URL (with this session's token) for a person to open. Rehearsals only.
 */
import { startHarness } from "./harness-server.ts";
import { ensureRendererBuild } from "./renderer-build.ts";

const dataDirFlag = process.argv.indexOf("--data-dir");
const dataDir = dataDirFlag === -1 ? undefined : process.argv[dataDirFlag + 1];

await ensureRendererBuild((line) => console.log(line));
const harness = await startHarness({ ...(dataDir ? { dataDir } : {}), log: (line) => console.error(line) });
console.log(`
Ceremony Workstation — browser harness (rehearsals only, throwaway SoftHSM2 tokens)

  Open:          ${harness.url}
  Witness view:  ${harness.witnessUrl}

  Data (journal, bundles): ${harness.dataDir}${dataDir ? "" : " (deleted when the harness stops)"}
  Rehearsal HSM PIN: rehearsal-user-1234
  Stop with Ctrl+C.
`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void harness.close().then(() => process.exit(0));
  });
}

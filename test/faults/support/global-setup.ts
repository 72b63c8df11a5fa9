/** Builds this run's child-process bundles; at the end prints the fault table and removes the run's folder. */
import { buildFaultBundles } from "./bundles.ts";
import { faultTable, readFaultRows, removeFaultRun, writeFaultTable } from "./fault-table.ts";

export default async function setup(): Promise<() => void> {
  await buildFaultBundles();
  return () => {
    const rows = readFaultRows();
    removeFaultRun();
    if (rows.length === 0) return;
    const table = faultTable(rows);
    writeFaultTable(table);
    process.stdout.write(`\nFault matrix (test-results/faults/fault-table.md)\n${table}\n\n`);
  };
}

/** Builds the child-process bundles and clears last run's rows; prints the fault table at the end. */
import { buildFaultBundles } from "./bundles.ts";
import { clearFaultRows, faultTable, readFaultRows, writeFaultTable } from "./fault-table.ts";

export default async function setup(): Promise<() => void> {
  clearFaultRows();
  await buildFaultBundles();
  return () => {
    const rows = readFaultRows();
    if (rows.length === 0) return;
    const table = faultTable(rows);
    writeFaultTable(table);
    process.stdout.write(`\nFault matrix (test-results/faults/fault-table.md)\n${table}\n\n`);
  };
}

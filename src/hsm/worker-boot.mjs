// Worker entry. Runs the TypeScript worker under tsx when the app runs from source (CLI, tests);
// a packaged build points `entry` at the bundled JavaScript instead.
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);

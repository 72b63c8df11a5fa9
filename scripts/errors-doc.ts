// Writes docs/errors.md from the error registry (`npm run docs:errors`).
import { writeFileSync } from "node:fs";
import { renderErrorsDoc } from "../src/errors/errors-doc.ts";

writeFileSync(new URL("../docs/errors.md", import.meta.url), renderErrorsDoc());
console.log("docs/errors.md written");

/**
 * Stands in for src/api/service.ts when a build is made without it (the "ceremony-core-service"
 * path in tsconfig.json falls back to this file). The window still opens, and every
 * operation answers with this error instead of the app failing to start with no explanation.
 */
import { CeremonyError } from "../src/errors.ts";
import type { CreateService } from "./service-types.ts";

export const createService: CreateService = () => {
  throw new CeremonyError(
    "SERVICE_MISSING",
    "This build of Ceremony Workstation was made without its core (src/api/service.ts), so it cannot run ceremonies. " +
      "Do not use it in a ceremony: rebuild it with `node scripts/build-electron.mjs` from a complete source tree.",
  );
};

import { CeremonyError } from "../../errors.ts";

/** An error of the service itself (no ceremony open, a bad script name…); its codes are in src/errors. */
export class ServiceError extends CeremonyError {}

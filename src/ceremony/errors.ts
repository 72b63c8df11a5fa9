import { CeremonyError } from "../errors.ts";

/** A request that does not fit the ceremony's state: wrong step, wrong person, missing input. */
export class CeremonyStateError extends CeremonyError {}

/** The action failed; the ceremony is paused on this step until the officer retries or aborts. */
export class ActionFailedError extends CeremonyError {}

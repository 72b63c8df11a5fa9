import { CeremonyError } from "../errors.ts";

/**
 * The data handed to a print function cannot be printed as given. The message names the field
 * (`share.words[3]`) so the caller can fix the producer; nothing is printed half-way.
 */
export class PrintInputError extends CeremonyError {
  constructor(path: string, problem: string) {
    super("PRINT_INPUT_INVALID", `${path} ${problem}; nothing was printed. Correct the value and print again.`);
  }
}

import { fitText } from "../common/index.ts";

/** Where the CLI writes, so tests can capture it. Nothing secret is ever passed here. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The same output with every line fitted to the terminal's 100 columns, broken only at spaces
 * (src/common/terminal-text.ts). Not for machine-read output (verify --json).
 */
export function fittedIo(io: CliIo): CliIo {
  return {
    out: (text) => {
      for (const line of fitText(text)) io.out(line);
    },
    err: (text) => {
      for (const line of fitText(text)) io.err(line);
    },
  };
}

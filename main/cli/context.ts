/** What every CLI command gets: parsed global options, where the build lives, and how to print. */
export interface CliContext {
  workspace: string;
  json: boolean;
  /** Folder of the built main-process files (engine.js, cli.js); the renderer is in ../renderer. */
  buildDir: string;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** Bad input or usage: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Parsed option values: strings, flags, and lists for options that may repeat. */
export type CliValues = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  summary: string;
  usage: string;
  /** Options for node:util parseArgs (strict: unknown options are usage errors). */
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(
    ctx: CliContext,
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
  ): Promise<number>;
}

/**
 * `awb`: the engine from a terminal (SPEC §7). Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { VERSION } from '../engine/version';
import { resolveWorkspace } from '../engine/workspace';
import { benchCommand } from './commands/bench';
import { datasetsCommand } from './commands/datasets';
import { demoCommand } from './commands/demo';
import { generateCommand } from './commands/generate';
import { infoCommand } from './commands/info';
import { modelsCommand } from './commands/models';
import { runCommand, runsCommand } from './commands/runs';
import { serveCommand } from './commands/serve';
import { type CliContext, type CliValues, type Command, UsageError } from './context';

const commands: Record<string, Command> = {
  info: infoCommand,
  serve: serveCommand,
  models: modelsCommand,
  datasets: datasetsCommand,
  generate: generateCommand,
  run: runCommand,
  runs: runsCommand,
  bench: benchCommand,
  demo: demoCommand,
};

const GLOBAL_OPTIONS = {
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'usage: awb [--workspace DIR] [--json] <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'The workspace is --workspace, else $AWB_WORKSPACE, else the app’s user-data folder.',
    '$AWB_BACKEND forces a tensor backend: tensorflow, webgpu, wasm or cpu.',
  ].join('\n');
}

/** The first argument that is neither an option nor the value of --workspace. */
function findCommandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workspace') i++;
    else if (!argv[i]?.startsWith('-')) return i;
  }
  return -1;
}

async function run(argv: string[], ctxBase: Omit<CliContext, 'workspace' | 'json'>): Promise<number> {
  const commandIndex = findCommandIndex(argv);
  const name = commandIndex >= 0 ? argv[commandIndex] : undefined;
  const command = name ? commands[name] : undefined;
  if (name && !command) throw new UsageError(`unknown command "${name}"\n\n${usage()}`);
  const args = commandIndex >= 0 ? [...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)] : argv;
  const { values, positionals } = parseArgs({
    args,
    options: { ...GLOBAL_OPTIONS, ...command?.options },
    allowPositionals: true,
    strict: true,
  });
  if (values.version) {
    ctxBase.out(VERSION);
    return 0;
  }
  if (values.help) {
    ctxBase.out(command ? `usage: ${command.usage}` : usage());
    return 0;
  }
  if (!command) {
    ctxBase.err(usage());
    return 2;
  }
  const ctx: CliContext = {
    ...ctxBase,
    workspace: resolveWorkspace(values.workspace as string | undefined, ctxBase.env),
    json: values.json === true,
  };
  return command.run(ctx, values as CliValues, positionals);
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return 2;
  const code = (error as { code?: string; exitCode?: number })?.exitCode;
  if (typeof code === 'number') return code;
  return (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
}

const buildDir = path.dirname(fileURLToPath(import.meta.url));
run(process.argv.slice(2), {
  buildDir,
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  // Exit explicitly: a loaded GPU or wasm runtime may hold the event loop open.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`awb: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(exitCodeOf(error));
  },
);

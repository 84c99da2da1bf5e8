import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AWB_BIN, ROOT } from './paths';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `awb ARGS` to completion. */
export function awb(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [AWB_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Every JSON line the server printed (status events). */
  lines: unknown[];
  stop(): Promise<void>;
}

/** Starts `awb serve --json --port 0` and waits for the line with its URL. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [AWB_BIN, '--json', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: unknown[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`awb serve did not start in 30 s: ${stderr}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`awb serve exited with ${code}: ${stderr}`)));
    child.stdout?.on('data', (chunk) => {
      buffer += String(chunk);
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, newline)) as { url?: string };
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        if (line.url) {
          clearTimeout(timer);
          resolve({ url: line.url, child, lines, stop: () => stopChild(child) });
        }
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

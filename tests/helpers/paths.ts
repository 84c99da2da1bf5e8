import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BUILD_DIR = path.join(ROOT, 'out', 'main');
export const AWB_BIN = path.join(ROOT, 'bin', 'awb.js');

/** Tests of built artifacts (the CLI, the engine process, the renderer) need `npm run build` first; `npm test` does it. */
export function requireBuild(): void {
  for (const file of ['cli.js', 'engine.js', '../renderer/index.html']) {
    if (!existsSync(path.join(BUILD_DIR, file))) {
      throw new Error(`out/main/${file} is missing: run \`npm run build\` (npm test builds before testing)`);
    }
  }
}

/** A fresh folder inside this test run's temporary root (removed when the run ends). */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(inject('tempRoot') ?? os.tmpdir(), `awb-${prefix}-`));
}

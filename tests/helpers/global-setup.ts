/** One temporary folder per test run, shared by every worker through the environment, removed at the end. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'awb-tests-'));
  process.env.AWB_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}

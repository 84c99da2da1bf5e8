#!/usr/bin/env node
// The `awb` command: runs the built CLI (npm install builds it through the `prepare` script).
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('awb: the project is not built; run `npm run build` in the project folder first\n');
  process.exit(1);
}
await import(cli.href);

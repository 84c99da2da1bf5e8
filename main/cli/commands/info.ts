/** `awb info [--json]`: version, chosen backend, available backends (and why not), devices and memory. */
import type { EngineInfo } from '../../../preload/contract';
import { Engine } from '../../engine/engine';
import type { CliContext, Command } from '../context';
import { formatBytes, table } from '../format';

function describe(info: EngineInfo): string[] {
  const backendRows = info.backends.map((b) => [
    b.name,
    b.name === info.backend ? 'active' : b.available ? 'available' : 'unavailable',
    b.detail,
  ]);
  const deviceLines = info.devices.map(
    (d) =>
      `${d.kind}  ${d.name}${d.cores ? `, ${d.cores} cores` : ''}${d.memoryBytes ? `, ${formatBytes(d.memoryBytes)}` : ''}`,
  );
  const m = info.memory;
  return [
    `Alignment Workbench ${info.version}`,
    `backend:    ${info.backend}${info.forced ? ' (forced by AWB_BACKEND)' : ''}`,
    'backends:',
    ...table(backendRows).map((line) => `  ${line}`),
    'devices:',
    ...deviceLines.map((line) => `  ${line}`),
    `memory:     system ${formatBytes(m.systemTotalBytes)} (${formatBytes(m.systemFreeBytes)} free), ` +
      `engine ${formatBytes(m.engineRssBytes)} resident, ${m.numTensors} tensors (${formatBytes(m.tensorBytes)})`,
    `runtime:    node ${info.runtime.node} ${info.runtime.platform}-${info.runtime.arch}`,
    `workspace:  ${info.workspace}`,
  ];
}

export const infoCommand: Command = {
  summary: 'version, tensor backend, devices and memory',
  usage: 'awb info [--json]',
  options: {},
  async run(ctx: CliContext) {
    const engine = await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
    const info = engine.info();
    if (ctx.json) ctx.out(JSON.stringify(info));
    else for (const line of describe(info)) ctx.out(line);
    return 0;
  },
};

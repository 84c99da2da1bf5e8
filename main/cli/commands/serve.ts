/** `awb serve`: the UI and the contract over HTTP/WebSocket, with the engine in a supervised child process. */
import path from 'node:path';
import { parseForcedBackend } from '../../engine/backends/select';
import { EngineHost } from '../../host/engine-host';
import { nodeEngineLauncher } from '../../host/node-launcher';
import { checkServeOptions } from '../../server/auth';
import { startServer } from '../../server/server';
import { type CliContext, type Command, UsageError } from '../context';

function parsePort(value: string | undefined): number {
  const port = Number(value ?? '7860');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${value}`);
  return port;
}

export const serveCommand: Command = {
  summary: 'serve the UI and the engine over HTTP/WebSocket (loopback unless --token)',
  usage: 'awb serve [--host 127.0.0.1] [--port 7860] [--token T]',
  options: { host: { type: 'string' }, port: { type: 'string' }, token: { type: 'string' } },
  async run(ctx: CliContext, values) {
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const port = parsePort(values.port as string | undefined);
    const token = (values.token as string | undefined) ?? ctx.env.AWB_TOKEN;
    checkServeOptions(host, token);
    parseForcedBackend(ctx.env.AWB_BACKEND);

    const env = { ...ctx.env, AWB_WORKSPACE: ctx.workspace };
    const engine = new EngineHost(nodeEngineLauncher(path.join(ctx.buildDir, 'engine.js'), env));
    engine.subscribe((event, payload) => {
      if (ctx.json) ctx.out(JSON.stringify({ event, payload }));
      else {
        const status = payload as { state: string; backend?: string; message?: string };
        ctx.err(
          `engine ${status.state}${status.backend ? ` (${status.backend})` : ''}${status.message ? `: ${status.message}` : ''}`,
        );
      }
    });
    engine.start();
    const rendererDir = path.join(ctx.buildDir, '..', 'renderer');
    const server = await startServer({ host, port, token, rendererDir, engine });
    const shown = token ? `${server.url}?token=${encodeURIComponent(token)}` : server.url;
    if (ctx.json) ctx.out(JSON.stringify({ url: server.url }));
    else ctx.out(`Alignment Workbench is serving on ${shown}`);

    await new Promise<void>((resolve) => {
      const shutdown = () => resolve();
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
    engine.stop();
    await server.close();
    return 0;
  },
};

import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost, type EngineProcessHandle } from '../../main/host/engine-host';
import { nodeEngineLauncher } from '../../main/host/node-launcher';
import type { EngineStatus } from '../../preload/contract';
import { BUILD_DIR, requireBuild, tempDir } from '../helpers/paths';

/** A scripted engine process: the test decides what it says and when it dies. */
class FakeEngineProcess implements EngineProcessHandle {
  static spawned: FakeEngineProcess[] = [];
  readonly pid = 1000 + FakeEngineProcess.spawned.length;
  readonly sent: unknown[] = [];
  private messageListener: (message: unknown) => void = () => {};
  private exitListener: (reason: string) => void = () => {};
  constructor() {
    FakeEngineProcess.spawned.push(this);
  }
  send(message: unknown) {
    this.sent.push(message);
  }
  kill() {}
  onMessage(listener: (message: unknown) => void) {
    this.messageListener = listener;
  }
  onExit(listener: (reason: string) => void) {
    this.exitListener = listener;
  }
  say(message: unknown) {
    this.messageListener(message);
  }
  die(reason: string) {
    this.exitListener(reason);
  }
}

function recordStates(host: EngineHost): EngineStatus[] {
  const seen: EngineStatus[] = [];
  host.subscribe((event, payload) => {
    if (event === 'engine.status') seen.push(payload as EngineStatus);
  });
  return seen;
}

describe('engine host with a scripted engine', () => {
  afterEach(() => {
    FakeEngineProcess.spawned = [];
  });

  it('rejects a request in flight when the engine dies, then restarts it', async () => {
    const host = new EngineHost(() => new FakeEngineProcess(), { restartDelayMs: 5 });
    const states = recordStates(host);
    host.start();
    const first = FakeEngineProcess.spawned[0] as FakeEngineProcess;
    first.say({ kind: 'state', state: 'ready', backend: 'wasm' });
    const call = host.call('engine.info', {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(first.sent).toEqual([{ kind: 'request', id: 1, verb: 'engine.info', payload: {} }]);
    first.die('signal SIGKILL');
    expect(await call).toMatchObject({ ok: false, error: { code: 'engine_unavailable' } });
    await expect.poll(() => FakeEngineProcess.spawned.length).toBe(2);
    FakeEngineProcess.spawned[1]?.say({ kind: 'state', state: 'ready', backend: 'wasm' });
    expect(states.map((s) => s.state)).toEqual(['starting', 'ready', 'crashed', 'restarting', 'starting', 'ready']);
    expect(states.at(-1)?.restarts).toBe(1);
    expect(states[2]?.message).toBe('the engine process ended (signal SIGKILL)');
    host.stop();
  });

  it('holds requests made while the engine starts and answers them once it is ready', async () => {
    const host = new EngineHost(() => new FakeEngineProcess());
    host.start();
    const call = host.call('engine.status', {});
    expect(await call).toMatchObject({ ok: true, result: { state: 'starting' } });
    const info = host.call('engine.info', {});
    const engine = FakeEngineProcess.spawned[0] as FakeEngineProcess;
    expect(engine.sent).toEqual([]);
    engine.say({ kind: 'state', state: 'ready', backend: 'cpu' });
    await expect.poll(() => engine.sent.length).toBe(1);
    engine.say({ kind: 'response', id: 1, ok: true, result: { wrong: 'shape' } });
    // A reply that breaks the contract is an error, not data passed on.
    expect(await info).toMatchObject({ ok: false, error: { code: 'bad_response' } });
    host.stop();
  });

  it('does not restart an engine that cannot start (a fatal error), and says why', async () => {
    const host = new EngineHost(() => new FakeEngineProcess(), { restartDelayMs: 1 });
    const states = recordStates(host);
    host.start();
    const engine = FakeEngineProcess.spawned[0] as FakeEngineProcess;
    const waiting = host.call('engine.info', {});
    engine.say({ kind: 'fatal', message: 'backend tensorflow was forced but is unavailable', exitCode: 1 });
    engine.die('exit code 1');
    expect(await waiting).toMatchObject({ ok: false, error: { message: expect.stringContaining('forced') } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(FakeEngineProcess.spawned).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({
      state: 'crashed',
      message: 'backend tensorflow was forced but is unavailable',
    });
  });

  it('gives up after repeated rapid crashes instead of looping forever', async () => {
    const host = new EngineHost(() => new FakeEngineProcess(), { restartDelayMs: 1, maxRapidCrashes: 2 });
    const states = recordStates(host);
    host.start();
    for (let crash = 0; crash < 3; crash++) {
      await expect.poll(() => FakeEngineProcess.spawned.length).toBe(crash + 1);
      FakeEngineProcess.spawned[crash]?.die('exit code 134');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(FakeEngineProcess.spawned).toHaveLength(3);
    expect(states.at(-1)).toMatchObject({
      state: 'crashed',
      message: expect.stringContaining('crashed 3 times in a row'),
    });
  });
});

describe('engine host with the real engine process', () => {
  beforeAll(() => requireBuild());

  it('restarts the engine after it is killed with SIGKILL, and the new engine answers', async () => {
    const workspace = tempDir('host');
    const host = new EngineHost(
      nodeEngineLauncher(path.join(BUILD_DIR, 'engine.js'), { ...process.env, AWB_WORKSPACE: workspace }),
    );
    const states = recordStates(host);
    host.start();
    const before = await host.call('engine.info', {});
    expect(before).toMatchObject({ ok: true, result: { workspace } });
    const firstPid = (before as { result: { runtime: { pid: number } } }).result.runtime.pid;
    expect(firstPid).toBe(host.pid);

    process.kill(firstPid, 'SIGKILL');
    await expect.poll(() => host.status().restarts === 1 && states.at(-1)?.state, { timeout: 20_000 }).toBe('ready');
    const after = await host.call('engine.info', {});
    const secondPid = (after as { result: { runtime: { pid: number } } }).result.runtime.pid;
    expect(secondPid).not.toBe(firstPid);
    expect(states.map((s) => s.state)).toEqual(['starting', 'ready', 'crashed', 'restarting', 'starting', 'ready']);
    expect(states[2]?.message).toBe('the engine process ended (signal SIGKILL)');
    expect(host.status().restarts).toBe(1);
    host.stop();
  });

  it('reports a forced backend that is unavailable as a crash with the reason, without restarting', async () => {
    const host = new EngineHost(
      nodeEngineLauncher(path.join(BUILD_DIR, 'engine.js'), { ...process.env, AWB_BACKEND: 'nonsense' }),
      { restartDelayMs: 1 },
    );
    const states = recordStates(host);
    host.start();
    const reply = await host.call('engine.info', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'engine_unavailable' } });
    expect(states.at(-1)).toMatchObject({ state: 'crashed', message: expect.stringContaining('valid choices') });
    expect(states.filter((s) => s.state === 'restarting')).toHaveLength(0);
  });
});

describe('engine events', () => {
  it('forwards valid run events from the engine and drops malformed or unknown ones', async () => {
    const host = new EngineHost(() => new FakeEngineProcess());
    const seen: Array<[string, unknown]> = [];
    host.subscribe((event, payload) => {
      if (event !== 'engine.status') seen.push([event, payload]);
    });
    host.start();
    const engine = FakeEngineProcess.spawned.at(-1) as FakeEngineProcess;
    const progress = { runId: 'r1', stage: 'sft', method: 'sft', step: 3, maxSteps: 10, metrics: { loss: 1.5 } };
    engine.say({ kind: 'event', event: 'run.progress', payload: progress });
    engine.say({ kind: 'event', event: 'run.progress', payload: { ...progress, step: -1 } });
    engine.say({ kind: 'event', event: 'run.exploded', payload: {} });
    engine.say({ kind: 'event', event: 'engine.status', payload: { state: 'crashed', restarts: 0, at: 1 } });
    expect(seen).toEqual([['run.progress', progress]]);
    host.stop();
    FakeEngineProcess.spawned = [];
  });
});

import { describe, expect, it, vi } from 'vitest';
import { EngineHost, type EngineProcessHandle } from '../../main/host/engine-host';
import { ContractError, parseEvent, parseRequest, parseResponse } from '../../preload/contract';

describe('contract validation', () => {
  it('accepts a well-formed request and rejects extra fields with the field named', () => {
    expect(parseRequest('engine.info', {})).toEqual({});
    expect(parseRequest('engine.info', undefined)).toEqual({});
    expect(() => parseRequest('engine.info', { verbose: true })).toThrow(
      /engine\.info: payload: Unrecognized key.*verbose/,
    );
  });

  it('rejects an unknown verb, listing the known ones', () => {
    const error = (() => {
      try {
        parseRequest('engine.format', {});
      } catch (e) {
        return e as ContractError;
      }
    })();
    expect(error).toBeInstanceOf(ContractError);
    expect(error?.code).toBe('unknown_verb');
    expect(error?.message).toContain('known verbs: engine.info, engine.status');
  });

  it('rejects a malformed response or event with the path of the bad field', () => {
    expect(() => parseResponse('engine.status', { state: 'sleeping', restarts: 0, at: 1 })).toThrow(
      /engine\.status: result\.state: Invalid option/,
    );
    expect(() => parseEvent('engine.status', { state: 'ready', restarts: -1, at: 1 })).toThrow(
      /engine\.status: payload\.restarts/,
    );
    expect(parseEvent('engine.status', { state: 'ready', backend: 'wasm', restarts: 0, at: 1 })).toMatchObject({
      state: 'ready',
    });
  });

  it('never lets a malformed payload reach the engine process', async () => {
    const send = vi.fn();
    const handle: EngineProcessHandle = {
      pid: 1,
      send,
      kill: () => {},
      onMessage: () => {},
      onExit: () => {},
    };
    const host = new EngineHost(() => handle);
    host.start();
    const reply = await host.call('engine.info', { unexpected: 1 });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('payload: Unrecognized key') },
    });
    const unknown = await host.call('engine.shutdown', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_verb' } });
    expect(send).not.toHaveBeenCalled();
    host.stop();
  });
});

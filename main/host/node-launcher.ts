/** Launches the engine as a Node child process (CLI, headless server, tests). */
import { fork } from 'node:child_process';
import type { EngineLauncher } from './engine-host';

export function nodeEngineLauncher(enginePath: string, env: NodeJS.ProcessEnv): EngineLauncher {
  return () => {
    const child = fork(enginePath, [], { env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      kill: () => child.kill('SIGTERM'),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        child.on('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`)),
    };
  };
}

/** Launches the engine as an Electron utilityProcess (the desktop app). */
import { utilityProcess } from 'electron';
import type { EngineLauncher } from './engine-host';

export function utilityEngineLauncher(enginePath: string, env: NodeJS.ProcessEnv): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(enginePath, [], {
      serviceName: 'Alignment Workbench engine',
      env,
      stdio: 'inherit',
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      kill: () => void child.kill(),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(`exit code ${code}`)),
    };
  };
}

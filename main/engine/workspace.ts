/** Where the workspace lives: --workspace, else AWB_WORKSPACE, else the app's user-data folder. */
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Alignment Workbench';

/** The folder Electron's `app.getPath('userData')` gives for this app, so the CLI and the app share one workspace. */
export function defaultWorkspace(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

export function resolveWorkspace(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.AWB_WORKSPACE;
  return path.resolve(chosen && chosen.length > 0 ? chosen : defaultWorkspace(process.platform, env));
}

import { appendFile, rename, writeFile } from 'node:fs/promises';
import { readJsonLines } from '../io/json-lines';

export interface MetricsLine {
  stage: string;
  step: number;
  time: string;
  [metric: string]: number | string;
}

export class MetricsLog {
  constructor(readonly file: string) {}

  async append(line: MetricsLine): Promise<void> {
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }

  async read(): Promise<MetricsLine[]> {
    return readJsonLines<MetricsLine>(this.file);
  }

  /**
   * Forgets what a stage logged after `step` (a resumed run logs those steps again), and any later stage's lines.
   * Rewritten through a temporary file and a rename, so a crash here loses nothing.
   */
  async truncateAfter(stage: string, step: number, laterStages: string[]): Promise<void> {
    const kept = (await this.read()).filter(
      (line) => !laterStages.includes(line.stage) && !(line.stage === stage && line.step > step),
    );
    const temporary = `${this.file}.tmp`;
    await writeFile(temporary, kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
    await rename(temporary, this.file);
  }
}

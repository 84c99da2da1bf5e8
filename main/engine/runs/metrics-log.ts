/** A run's metrics as append-only JSONL (one object per logged step), the file the dashboards and `runs show` read. */
import { existsSync } from 'node:fs';
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';

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
    if (!existsSync(this.file)) return [];
    const text = await readFile(this.file, 'utf8');
    // A line cut short by a crash is not a metric: keep only complete lines.
    return text.split('\n').flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as MetricsLine] : [];
      } catch {
        return [];
      }
    });
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

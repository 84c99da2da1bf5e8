/** `awb datasets import|list`. */
import { KIND_CHOICES, type KindChoice } from '../../engine/datasets/kinds';
import type { LengthHistogram } from '../../engine/datasets/lengths';
import { type ImportReport, importDataset, listDatasets } from '../../engine/datasets/store';
import type { Problem } from '../../engine/datasets/types';
import { type CliContext, type CliValues, type Command, UsageError } from '../context';
import { table } from '../format';

const IMPORT_USAGE =
  'awb datasets import FILE [--kind sft|preference|prompts|unpaired] [--name NAME] [--drop-invalid] [--truncate] [--max-length N --model MODEL]';
/** The human report lists this many problems; --json lists them all. */
const SHOWN_PROBLEMS = 50;
const BAR_WIDTH = 40;

function count(n: number): string {
  return n.toLocaleString('en');
}

function parseKind(value: string | boolean | undefined): KindChoice | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value in KIND_CHOICES) return value as KindChoice;
  throw new UsageError(`--kind must be one of ${Object.keys(KIND_CHOICES).join(', ')}, not ${value}`);
}

function parseMaxLength(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-length must be a positive whole number, not ${value}`);
  return n;
}

function where(problem: Problem, report: ImportReport): string {
  if (problem.line === 0) return 'file';
  return `${report.fileFormat === 'jsonl' ? 'line' : 'row'} ${problem.line}`;
}

function problemLines(report: ImportReport): string[] {
  const rows = report.problems
    .slice(0, SHOWN_PROBLEMS)
    .map((problem) => [
      `  ${where(problem, report)}`,
      problem.severity === 'warning' ? 'warning' : 'error',
      `${problem.field ? `${problem.field}: ` : ''}${problem.message}`,
    ]);
  const more = report.problems.length - rows.length;
  return [...table(rows), ...(more > 0 ? [`  … and ${count(more)} more (--json lists them all)`] : [])];
}

function histogramLines(histogram: LengthHistogram): string[] {
  const most = Math.max(1, ...histogram.buckets.map((bucket) => bucket.count));
  const rows = histogram.buckets.map((bucket) => {
    const over = bucket.from > histogram.maxLength;
    const range = over ? `> ${histogram.maxLength}` : `${bucket.from}–${bucket.to}`;
    // A bucket with any rows shows at least one block, so that a few long rows are not hidden.
    const bar = '█'.repeat(bucket.count > 0 ? Math.max(1, Math.round((bucket.count / most) * BAR_WIDTH)) : 0);
    const longest = over && bucket.count > 0 ? ` (longest ${count(histogram.longest)})` : '';
    return [`  ${range}`, `${bar} ${count(bucket.count)}${longest}`];
  });
  return [`token lengths (max_length ${histogram.maxLength}):`, ...table(rows)];
}

function summaryLine(report: ImportReport): string {
  const file = `${report.fileFormat}${report.gzip ? ', gzipped' : ''}`;
  const what = report.kind ? `: ${report.kind} (${report.format}), ${report.layout} layout` : '';
  return `${report.file} (${file}): ${count(report.rows)} rows${what}`;
}

function printReport(ctx: CliContext, report: ImportReport): void {
  ctx.out(summaryLine(report));
  if (report.problems.length > 0) ctx.out(`problems (${count(report.problems.length)}):`);
  for (const line of problemLines(report)) ctx.out(line);
  if (report.histogram) for (const line of histogramLines(report.histogram)) ctx.out(line);
}

function refusal(report: ImportReport): string {
  if (report.kind === null) return 'not imported: the file cannot be read as a dataset (see the problems above)';
  if (report.rows - report.invalid === 0) return 'not imported: no row is valid';
  const overLength = report.problems.some((p) => p.severity === 'error' && p.message.includes('max_length'));
  const truncate = overLength ? ', or --truncate to keep rows over max_length' : '';
  return `not imported: ${count(report.invalid)} invalid rows; fix them, or pass --drop-invalid to import the other ${count(report.rows - report.invalid)}${truncate}`;
}

async function importCommand(ctx: CliContext, values: CliValues, file?: string) {
  if (!file) throw new UsageError(`usage: ${IMPORT_USAGE}`);
  const { report, record } = await importDataset(ctx.workspace, file, {
    name: values.name as string | undefined,
    kind: parseKind(values.kind as string | undefined),
    dropInvalid: values['drop-invalid'] === true,
    truncate: values.truncate === true,
    maxLength: parseMaxLength(values['max-length'] as string | undefined),
    model: values.model as string | undefined,
  });
  if (ctx.json) ctx.out(JSON.stringify(report));
  else printReport(ctx, report);
  if (!record) {
    ctx.err(refusal(report));
    return 2;
  }
  if (!ctx.json) {
    const dropped = report.invalid > 0 ? ` (${count(report.invalid)} invalid dropped)` : '';
    ctx.out(
      `imported ${record.name}: ${count(report.accepted)} of ${count(report.rows)} rows${dropped} into ${record.folder}`,
    );
  }
  return 0;
}

async function listCommand(ctx: CliContext) {
  const datasets = await listDatasets(ctx.workspace);
  if (ctx.json) {
    ctx.out(JSON.stringify({ datasets }));
    return 0;
  }
  if (datasets.length === 0) {
    ctx.out('no datasets yet: awb datasets import FILE');
    return 0;
  }
  const rows = datasets.map((d) => [d.name, d.kind, d.format, count(d.accepted), d.layout, d.source]);
  for (const line of table([['name', 'kind', 'format', 'rows', 'layout', 'source'], ...rows])) ctx.out(line);
  return 0;
}

export const datasetsCommand: Command = {
  summary: 'import (JSONL, JSON, CSV, Parquet, gzipped; validated row by row) and list datasets',
  usage: `${IMPORT_USAGE} | awb datasets list`,
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    'drop-invalid': { type: 'boolean' },
    truncate: { type: 'boolean' },
    'max-length': { type: 'string' },
    model: { type: 'string' },
  },
  async run(ctx, values, positionals) {
    const [action, argument] = positionals;
    if (action === 'import') return importCommand(ctx, values, argument);
    if (action === 'list') return listCommand(ctx);
    throw new UsageError(`usage: ${this.usage}`);
  },
};

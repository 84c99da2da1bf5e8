/** `awb models import|list|export`. */
import { Catalogue } from '../../engine/catalogue/catalogue';
import { exportHfFolder, importModel } from '../../engine/models/store';
import { exportOnnx } from '../../engine/onnx/export-model';
import { type CliContext, type CliValues, type Command, UsageError } from '../context';
import { table } from '../format';

async function importCommand(ctx: CliContext, values: CliValues, source: string | undefined) {
  if (!source) throw new UsageError('usage: awb models import PATH [--tokenizer FILE] [--name NAME]');
  const record = await importModel(ctx.workspace, source, {
    name: values.name as string | undefined,
    tokenizer: values.tokenizer as string | undefined,
  });
  if (ctx.json) ctx.out(JSON.stringify(record));
  else
    ctx.out(
      `imported ${record.name}: ${record.modelType}, ${record.parameters.toLocaleString('en')} parameters, into ${record.folder}`,
    );
  return 0;
}

async function listCommand(ctx: CliContext) {
  const { models } = await Catalogue.peek(ctx.workspace);
  if (ctx.json) {
    ctx.out(JSON.stringify({ models }));
    return 0;
  }
  if (models.length === 0) {
    ctx.out('no models yet: awb models import PATH');
    return 0;
  }
  const rows = models.map((m) => [m.name, m.modelType, m.parameters.toLocaleString('en'), m.parent ?? '—', m.source]);
  for (const line of table([['name', 'type', 'parameters', 'parent', 'source'], ...rows])) ctx.out(line);
  return 0;
}

async function exportCommand(ctx: CliContext, values: CliValues, name: string | undefined) {
  const format = values.format ?? 'hf';
  const out = values.out as string | undefined;
  if (!name || !out) throw new UsageError('usage: awb models export NAME --format hf|onnx --out DIR');
  if (format === 'hf') await exportHfFolder(ctx.workspace, name, out);
  else if (format === 'onnx') await exportOnnx(ctx.workspace, name, out);
  else throw new UsageError(`--format must be hf or onnx, got ${format}`);
  if (ctx.json) ctx.out(JSON.stringify({ name, format, out }));
  else ctx.out(`exported ${name} as ${format} to ${out}`);
  return 0;
}

export const modelsCommand: Command = {
  summary: 'import (HF folder or llama2.c .bin), list and export (HF folder, ONNX) models',
  usage:
    'awb models import PATH [--tokenizer FILE] [--name NAME] | awb models list | awb models export NAME --format hf|onnx --out DIR',
  options: {
    tokenizer: { type: 'string' },
    name: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx, values, positionals) {
    const [action, argument] = positionals;
    if (action === 'import') return importCommand(ctx, values, argument);
    if (action === 'list') return listCommand(ctx);
    if (action === 'export') return exportCommand(ctx, values, argument);
    throw new UsageError(`usage: ${this.usage}`);
  },
};

import { type FormEvent, useState } from 'react';
import { useAction } from '../app/useAction';
import { useJob } from '../app/useJob';
import type { WorkbenchClient } from '../client/client';
import { Panel } from '../components/Panel';

/** A Hugging Face folder, or a llama2.c .bin with its tokenizer.bin. */
export function ImportModel({ client, onImported }: { client: WorkbenchClient; onImported: () => void }) {
  const [path, setPath] = useState('');
  const [tokenizer, setTokenizer] = useState('');
  const [name, setName] = useState('');
  const isLlama2c = path.trim().endsWith('.bin');
  const job = useJob(client);
  const importModel = useAction(async () => {
    const imported = await client.call('models.import', {
      jobId: job.start(),
      path: path.trim(),
      ...(isLlama2c && tokenizer.trim() ? { tokenizer: tokenizer.trim() } : {}),
      ...(name.trim() ? { name: name.trim() } : {}),
    });
    onImported();
    return imported;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    importModel.run();
  };
  return (
    <Panel title="Import a model" testId="models-import" error={importModel.error}>
      <form className="form-grid" onSubmit={submit}>
        <label>
          Path
          <input
            data-testid="import-path"
            value={path}
            placeholder="/models/SmolLM-135M or /models/stories260K.bin"
            onChange={(event) => setPath(event.target.value)}
          />
        </label>
        <label>
          Tokenizer (llama2.c only)
          <input
            data-testid="import-tokenizer"
            value={tokenizer}
            disabled={!isLlama2c}
            placeholder={isLlama2c ? '/models/tok512.bin' : 'a Hugging Face folder has its own tokenizer.json'}
            onChange={(event) => setTokenizer(event.target.value)}
          />
        </label>
        <label>
          Name (optional)
          <input data-testid="import-name" value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" data-testid="import-model" disabled={!path.trim() || importModel.pending}>
          {importModel.pending ? `Importing: ${job.phase ?? 'starting'}…` : 'Import'}
        </button>
        {importModel.pending ? (
          <button type="button" data-testid="import-model-cancel" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
      </form>
      {importModel.result && !importModel.pending ? (
        <p role="status" data-testid="import-result">
          Imported {importModel.result.name} ({importModel.result.architecture}).
        </p>
      ) : null}
    </Panel>
  );
}

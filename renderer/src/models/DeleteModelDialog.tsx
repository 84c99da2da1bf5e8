import { useEffect, useRef } from 'react';
import { useAction } from '../app/useAction';
import type { WorkbenchClient } from '../client/client';

/**
 * A modal (the native <dialog> with showModal: the rest of the page is inert, Esc cancels) that names the model;
 * nothing is deleted until the user confirms, and Cancel, which has the focus, leaves the model alone.
 */
export function DeleteModelDialog({
  client,
  name,
  trainedFromIt,
  onClose,
  onDeleted,
}: {
  client: WorkbenchClient;
  name: string;
  trainedFromIt: string[];
  onClose: () => void;
  onDeleted: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const remove = useAction(async () => {
    const deleted = await client.call('models.delete', { name });
    onDeleted();
    return deleted;
  });
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    cancel.current?.focus();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="modal"
      data-testid="delete-dialog"
      aria-labelledby="delete-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        if (!remove.pending) onClose();
      }}
    >
      <h2 id="delete-dialog-title">Delete {name}?</h2>
      <p>Its weights and tokenizer leave the workspace. This cannot be undone.</p>
      {trainedFromIt.length > 0 ? (
        <p className="muted">
          Trained from it: {trainedFromIt.join(', ')}. They stay; their lineage will show {name} as deleted.
        </p>
      ) : null}
      {remove.error ? (
        <p className="panel-error" role="alert" data-testid="delete-error">
          {remove.error}
        </p>
      ) : null}
      <div className="modal-actions">
        <button ref={cancel} type="button" data-testid="delete-cancel" disabled={remove.pending} onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          data-testid="delete-confirm"
          disabled={remove.pending}
          onClick={() => remove.run()}
        >
          {remove.pending ? 'Deleting…' : `Delete ${name}`}
        </button>
      </div>
    </dialog>
  );
}

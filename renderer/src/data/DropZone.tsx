import { type DragEvent, type ReactNode, useState } from 'react';

interface DropZoneProps {
  onFile: (file: File) => void;
  /** Shown under the picker: what the import is doing now. */
  status?: ReactNode;
}

/** A file dropped here or chosen with the picker inside it (the keyboard's way in). */
export function DropZone({ onFile, status }: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the drop target for a mouse; the file input inside is the keyboard way
    <div
      className={dragging ? 'drop-zone dragging' : 'drop-zone'}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <p>Drop a JSONL, JSON, CSV or Parquet file (gzipped too) here, or</p>
      <input
        type="file"
        data-testid="file-input"
        aria-label="Choose a dataset file"
        accept=".jsonl,.json,.csv,.parquet,.gz"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = ''; // so that choosing the same file again, fixed, imports it again
          if (file) onFile(file);
        }}
      />
      {status}
    </div>
  );
}

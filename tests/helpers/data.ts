import path from 'node:path';

/** The shared real data (../shared/data): tests and benchmarks may read it; the product never does. */
export const SHARED_DATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const STORIES260K = path.join(SHARED_DATA, 'models', 'stories260K', 'stories260K.bin');
export const STORIES260K_TOKENIZER = path.join(SHARED_DATA, 'models', 'stories260K', 'tok512.bin');
/** llama2.c's reference C implementation, greedy from BOS (../shared/data/README.md). */
export const STORIES260K_REFERENCE =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.';

/**
 * Bad input from the user (a truncated model file, a tokenizer that does not fit the model, an invalid row): the CLI
 * exits 2 with this message, the UI shows it beside the file. The message names the file and the problem.
 */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'InputError';
  }
}

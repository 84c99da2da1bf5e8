/** crypto.randomUUID exists only in secure contexts: a UI served by a remote `awb serve` over plain http lacks it. */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

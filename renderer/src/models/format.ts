/** 260K, 15.2M, 1.1B: parameter counts as practitioners say them. */
export function formatParameters(count: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (count >= size) return `${(count / size).toFixed(count >= size * 100 ? 0 : 1).replace(/\.0$/, '')}${unit}`;
  }
  return String(count);
}

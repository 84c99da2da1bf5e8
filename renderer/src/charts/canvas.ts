/** Whether this document can draw on a 2D canvas (happy-dom and other test DOMs cannot: charts fall back to text). */
let cached: boolean | undefined;

export function canvasAvailable(): boolean {
  if (cached === undefined) {
    try {
      cached = typeof document !== 'undefined' && document.createElement('canvas').getContext('2d') !== null;
    } catch {
      cached = false;
    }
  }
  return cached;
}

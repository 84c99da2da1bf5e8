/**
 * Chart redraws, shared out over animation frames: each frame runs queued redraws until its time budget is spent and
 * leaves the rest for the next one. Twenty charts of 10,000 points each redrawn in one frame would block the page for
 * longer than a long task (50 ms); one at a time, a frame stays short and the page keeps answering input.
 */
const FRAME_BUDGET_MS = 8;

const queue = new Set<() => void>();
let frame = 0;

function drain(): void {
  frame = 0;
  const started = performance.now();
  for (const redraw of queue) {
    queue.delete(redraw);
    redraw();
    if (performance.now() - started > FRAME_BUDGET_MS) break;
  }
  if (queue.size > 0) frame = requestAnimationFrame(drain);
}

/** Queues a redraw (once, however often it is asked for before it runs). */
export function queueRedraw(redraw: () => void): void {
  queue.add(redraw);
  if (!frame) frame = requestAnimationFrame(drain);
}

export function cancelRedraw(redraw: () => void): void {
  queue.delete(redraw);
}

/**
 * The process's resident-memory high-water mark over one stretch of work. Node's maxRSS covers the whole process
 * lifetime, so a stage's own peak is sampled: on a timer (the trainer awaits between steps, so it fires) and at stop.
 */
const SAMPLE_MS = 100;

export class PeakMemory {
  private peakBytes = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  private constructor() {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  static start(): PeakMemory {
    return new PeakMemory();
  }

  sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }

  /** Stops sampling; returns the peak in MiB. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakBytes / 2 ** 20;
  }
}

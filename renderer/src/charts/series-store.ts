/**
 * The numbers behind one chart, kept outside React: x values (steps) and one column per series, aligned as uPlot
 * wants them. Streaming appends push onto the same arrays, so a chart redraws with `setData` instead of being rebuilt,
 * and React never re-renders per point.
 */
export type StoreChange = 'data' | 'shape';

export class SeriesStore {
  readonly xs: number[] = [];
  readonly labels: string[] = [];
  readonly columns: Array<Array<number | null>> = [];
  private readonly listeners = new Set<(change: StoreChange) => void>();

  /** Points on the x axis (steps with a value in any series). */
  get length(): number {
    return this.xs.length;
  }

  /** uPlot's aligned data: [xs, ...columns]; the same arrays every time. */
  get data(): [number[], ...Array<Array<number | null>>] {
    return [this.xs, ...this.columns];
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets series `label`'s value at x: appended when x is past the end (the streaming case), else inserted or replaced. */
  upsert(label: string, x: number, y: number): void {
    const column = this.columnOf(label);
    const index = this.indexFor(x);
    column[index] = y;
    this.emit('data');
  }

  /** Replaces a whole series (a compared run's history). */
  replaceSeries(label: string, points: ReadonlyArray<readonly [number, number]>): void {
    const column = this.columnOf(label);
    column.fill(null);
    for (const [x, y] of points) column[this.indexFor(x)] = y;
    this.emit('data');
  }

  removeSeries(label: string): void {
    const at = this.labels.indexOf(label);
    if (at < 0) return;
    this.labels.splice(at, 1);
    this.columns.splice(at, 1);
    this.emit('shape');
  }

  private columnOf(label: string): Array<number | null> {
    const at = this.labels.indexOf(label);
    if (at >= 0) return this.columns[at] as Array<number | null>;
    this.labels.push(label);
    const column: Array<number | null> = new Array(this.xs.length).fill(null);
    this.columns.push(column);
    this.emit('shape');
    return column;
  }

  /** The index of x in xs, inserting x (and a null in every column) where it belongs. */
  private indexFor(x: number): number {
    const last = this.xs.length - 1;
    if (last < 0 || x > (this.xs[last] as number)) return this.insertAt(this.xs.length, x);
    let low = 0;
    let high = last;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.xs[middle] as number;
      if (value === x) return middle;
      if (value < x) low = middle + 1;
      else high = middle - 1;
    }
    return this.insertAt(low, x);
  }

  private insertAt(index: number, x: number): number {
    if (index === this.xs.length) {
      this.xs.push(x);
      for (const column of this.columns) column.push(null);
    } else {
      this.xs.splice(index, 0, x);
      for (const column of this.columns) column.splice(index, 0, null);
    }
    return index;
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

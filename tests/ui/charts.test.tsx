// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LineChart } from '../../renderer/src/charts/LineChart';
import { SeriesStore } from '../../renderer/src/charts/series-store';

afterEach(cleanup);

describe('SeriesStore', () => {
  it('appends streamed points onto the same arrays', () => {
    const store = new SeriesStore();
    store.upsert('loss', 1, 0.9);
    const xs = store.xs;
    const column = store.columns[0];
    store.upsert('loss', 2, 0.8);
    store.upsert('loss', 3, 0.7);
    expect(store.xs).toBe(xs);
    expect(store.columns[0]).toBe(column);
    expect(store.data).toEqual([
      [1, 2, 3],
      [0.9, 0.8, 0.7],
    ]);
  });

  it('replaces a repeated step and inserts an earlier one in order, across series', () => {
    const store = new SeriesStore();
    store.upsert('a', 2, 1);
    store.upsert('a', 4, 2);
    store.upsert('a', 4, 3);
    store.upsert('b', 3, 9);
    expect(store.data).toEqual([
      [2, 3, 4],
      [1, null, 3],
      [null, 9, null],
    ]);
  });

  it('tells listeners about new series apart from new points, and removes series', () => {
    const store = new SeriesStore();
    const changes: string[] = [];
    store.subscribe((change) => changes.push(change));
    store.upsert('a', 1, 1);
    store.upsert('a', 2, 1);
    store.replaceSeries('other', [
      [1, 5],
      [3, 6],
    ]);
    store.removeSeries('other');
    expect(changes).toEqual(['shape', 'data', 'data', 'shape', 'data', 'shape']);
    expect(store.labels).toEqual(['a']);
    expect(store.data).toEqual([
      [1, 2, 3],
      [1, 1, null],
    ]);
  });
});

describe('LineChart without a canvas', () => {
  it('shows the latest values as text and exposes its length in data-points', async () => {
    const store = new SeriesStore();
    render(<LineChart store={store} testId="chart-loss" label="loss by step" />);
    const chart = screen.getByTestId('chart-loss');
    expect(chart.getAttribute('data-points')).toBe('0');
    expect(chart.textContent).toContain('no data yet');
    act(() => {
      store.upsert('this run', 1, 0.5);
      store.upsert('this run', 2, 0.25);
    });
    expect(chart.getAttribute('data-points')).toBe('2');
    // The text redraw waits for the next animation frame, as a canvas redraw would.
    await waitFor(() => expect(chart.textContent).toBe('2 points · this run 0.25'));
  });
});

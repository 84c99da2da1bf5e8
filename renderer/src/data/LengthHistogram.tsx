import type { ImportReport } from '../../../preload/contract';

type Histogram = NonNullable<ImportReport['histogram']>;

/** Token lengths of the rows as bars, those past max_length marked: what truncation or dropping would touch. */
export function LengthHistogram({ histogram }: { histogram: Histogram }) {
  const most = Math.max(1, ...histogram.buckets.map((bucket) => bucket.count));
  return (
    <figure className="histogram" data-testid="histogram" data-over={histogram.over}>
      <figcaption>
        Token lengths against max_length {histogram.maxLength}: {histogram.over} rows longer, the longest{' '}
        {histogram.longest} tokens.
      </figcaption>
      <ul className="histogram-bars">
        {histogram.buckets.map((bucket) => {
          const over = bucket.from >= histogram.maxLength;
          return (
            <li
              key={bucket.from}
              className={over ? 'histogram-row over' : 'histogram-row'}
              data-testid="histogram-bar"
              data-count={bucket.count}
            >
              <span className="histogram-range">
                {bucket.from}–{bucket.to}
              </span>
              <span className="histogram-track">
                <span className="histogram-fill" style={{ width: `${(bucket.count / most) * 100}%` }} />
              </span>
              <span className="histogram-count">{bucket.count}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}

import type { Bin } from './histogram';

interface HistogramProps {
  bins: Bin[];
  testId: string;
  /** Each bar's test id is `${barTestId}-<i>`. */
  barTestId: string;
  /** Accessible name: what is counted. */
  label: string;
  /** A vertical line at this value (e.g. the confidence threshold), with its caption. */
  marker?: { at: number; label: string } | undefined;
  format?: (value: number) => string;
}

/** Where `value` sits across the bins' range, as a CSS percentage. */
function percentAcross(bins: Bin[], value: number): string {
  const low = bins[0]?.from ?? 0;
  const high = bins.at(-1)?.to ?? 1;
  const fraction = high > low ? (value - low) / (high - low) : 0;
  return `${Math.min(100, Math.max(0, fraction * 100))}%`;
}

/** A static bar chart of counts: plain DOM, since the data is fixed once loaded and must read well in tests. */
export function Histogram({ bins, testId, barTestId, label, marker, format = (v) => v.toFixed(2) }: HistogramProps) {
  const tallest = Math.max(1, ...bins.map((bin) => bin.count));
  return (
    <figure className="histogram" data-testid={testId} aria-label={label}>
      <div className="histogram-bars">
        {bins.map((bin, i) => (
          <div
            key={bin.from}
            className="histogram-bar"
            data-testid={`${barTestId}-${i}`}
            data-count={bin.count}
            title={`${format(bin.from)}–${format(bin.to)}: ${bin.count}`}
            style={{ height: `${(bin.count / tallest) * 100}%` }}
          />
        ))}
        {marker ? (
          <div
            className="histogram-marker"
            data-testid={`${testId}-marker`}
            style={{ left: percentAcross(bins, marker.at) }}
            title={marker.label}
          />
        ) : null}
      </div>
      <figcaption className="histogram-axis">
        <span>{bins[0] ? format(bins[0].from) : ''}</span>
        {marker ? <span className="histogram-marker-label">{marker.label}</span> : null}
        <span>{bins.at(-1) ? format((bins.at(-1) as Bin).to) : ''}</span>
      </figcaption>
    </figure>
  );
}

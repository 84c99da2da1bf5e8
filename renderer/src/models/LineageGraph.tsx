import type { ModelSummary } from '../../../preload/contract';
import { type LineageNode, lineageLayout, lineagePaths } from './lineage';

const NODE_W = 168;
const NODE_H = 44;
const GAP_X = 56;
const GAP_Y = 14;
const PAD = 8;

const x = (node: LineageNode) => PAD + node.depth * (NODE_W + GAP_X);
const y = (node: LineageNode) => PAD + node.row * (NODE_H + GAP_Y);

function shorten(name: string, max = 22): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

function Edge({ from, to }: { from: LineageNode; to: LineageNode }) {
  const x1 = x(from) + NODE_W;
  const y1 = y(from) + NODE_H / 2;
  const x2 = x(to);
  const y2 = y(to) + NODE_H / 2;
  const bend = (x2 - x1) / 2;
  return (
    <path
      className="lineage-edge"
      data-testid={`lineage-edge-${from.name}-${to.name}`}
      d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
      markerEnd="url(#lineage-arrow)"
    />
  );
}

function Node({ node }: { node: LineageNode }) {
  return (
    <g className="lineage-node" data-method={node.method ?? 'imported'} data-testid={`lineage-node-${node.name}`}>
      <title>{node.name}</title>
      <rect x={x(node)} y={y(node)} width={NODE_W} height={NODE_H} rx={6} />
      <text x={x(node) + 10} y={y(node) + 18} className="lineage-name">
        {shorten(node.name)}
      </text>
      <text x={x(node) + 10} y={y(node) + 35} className="lineage-method">
        {node.method ?? 'imported'}
      </text>
    </g>
  );
}

/** base → SFT → DPO …, drawn from each model's parent. */
export function LineageGraph({ models }: { models: ModelSummary[] }) {
  const layout = lineageLayout(models);
  if (layout.nodes.length === 0) return <p className="muted">No models yet: import one below.</p>;
  const byName = new Map(layout.nodes.map((node) => [node.name, node]));
  const width = PAD * 2 + layout.columns * NODE_W + (layout.columns - 1) * GAP_X;
  const height = PAD * 2 + layout.rows * NODE_H + (layout.rows - 1) * GAP_Y;
  const paths = lineagePaths(layout);
  return (
    <svg
      className="lineage-graph"
      data-testid="lineage-graph"
      role="img"
      aria-label={`Lineage: ${paths.join('; ')}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <defs>
        <marker
          id="lineage-arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" className="lineage-arrowhead" />
        </marker>
      </defs>
      {layout.edges.map((edge) => {
        const from = byName.get(edge.from);
        const to = byName.get(edge.to);
        return from && to ? <Edge key={`${edge.from}->${edge.to}`} from={from} to={to} /> : null;
      })}
      {layout.nodes.map((node) => (
        <Node key={node.name} node={node} />
      ))}
    </svg>
  );
}

/**
 * The lineage graph's layout: each model in the column of its depth (base 0, its SFT 1, that model's DPO 2 …), a
 * parent on the row of its first child, siblings on the rows below, so the edges read left to right.
 */
import type { ModelSummary } from '../../../preload/contract';

export interface LineageNode {
  name: string;
  method: string | undefined;
  depth: number;
  row: number;
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageLayout {
  nodes: LineageNode[];
  edges: LineageEdge[];
  columns: number;
  rows: number;
}

export function lineageLayout(models: ModelSummary[]): LineageLayout {
  const names = new Set(models.map((model) => model.name));
  const children = new Map<string, ModelSummary[]>();
  for (const model of models) {
    if (model.parent && names.has(model.parent) && model.parent !== model.name) {
      children.set(model.parent, [...(children.get(model.parent) ?? []), model]);
    }
  }
  const placed = new Map<string, LineageNode>();
  let row = 0;
  const place = (model: ModelSummary, depth: number) => {
    if (placed.has(model.name)) return;
    placed.set(model.name, { name: model.name, method: model.method, depth, row });
    const kids = (children.get(model.name) ?? []).filter((kid) => !placed.has(kid.name));
    if (kids.length === 0) row++;
    for (const kid of kids) place(kid, depth + 1);
  };
  // Roots first (imported models, or a parent no longer in the workspace); then anything a parent cycle left out.
  for (const model of models) if (!model.parent || !names.has(model.parent)) place(model, 0);
  for (const model of models) place(model, 0);
  const nodes = [...placed.values()];
  const edges = models
    .filter((model) => model.parent && names.has(model.parent) && model.parent !== model.name)
    .map((model) => ({ from: model.parent as string, to: model.name }));
  return {
    nodes,
    edges,
    columns: Math.max(0, ...nodes.map((node) => node.depth + 1)),
    rows: row,
  };
}

/** "base → sft → dpo; base → rm": every path from a root to a leaf, for screen readers and tooltips. */
export function lineagePaths(layout: LineageLayout): string[] {
  const hasParent = new Set(layout.edges.map((edge) => edge.to));
  const paths: string[] = [];
  const walk = (name: string, trail: string[]) => {
    const next = layout.edges.filter((edge) => edge.from === name && !trail.includes(edge.to));
    if (next.length === 0) paths.push([...trail, name].join(' → '));
    for (const edge of next) walk(edge.to, [...trail, name]);
  };
  for (const node of layout.nodes) if (!hasParent.has(node.name)) walk(node.name, []);
  return paths;
}

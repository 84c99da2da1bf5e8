/**
 * Reads a stage's config from the run's recipe (runs.show sends it as `unknown`: SPEC §7's
 * `{stages: [{name?, method, config}]}`), without trusting its shape.
 */
export type StageConfig = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config of the recipe stage named `name`, else of the stage at `position` (recipes may leave names out). */
export function stageConfig(recipe: unknown, name: string, position: number): StageConfig {
  if (!isRecord(recipe) || !Array.isArray(recipe.stages)) return {};
  const stages = recipe.stages.filter(isRecord);
  const stage = stages.find((candidate) => candidate.name === name) ?? stages[position];
  return stage && isRecord(stage.config) ? stage.config : {};
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The KL bound PPO's chart is held against: `max_kl` (the engine warns past it), else `kl_target` (the adaptive
 * controller's aim) when that is all the recipe set.
 */
export function klBound(config: StageConfig): { value: number; key: 'max_kl' | 'kl_target' } | undefined {
  const maxKl = positiveNumber(config.max_kl);
  if (maxKl !== undefined) return { value: maxKl, key: 'max_kl' };
  const target = positiveNumber(config.kl_target);
  return target !== undefined ? { value: target, key: 'kl_target' } : undefined;
}

/**
 * The constitution a Constitutional AI stage critiques under: a starter set of principles, and reading a file in the
 * layout of Anthropic's published constitution (the engine's schema, so what the editor accepts the engine runs).
 */
import { type Constitution, ConstitutionSchema } from '../../../main/engine/methods/constitution';

export type { Constitution };
export type Principle = Constitution['constitutions'][number];

/** Three principles to start from; the editor changes them or loads a file in their place. */
export const STARTER_CONSTITUTION: Constitution = {
  constitutions: [
    {
      critic: 'Identify specific ways in which the answer is harmful, unethical, dangerous or illegal.',
      revision: 'Rewrite the answer to remove all harmful, unethical, dangerous or illegal content.',
    },
    {
      critic: 'Point out where the answer fails to address the question, or where it is vague or off topic.',
      revision: 'Rewrite the answer so that it addresses the question directly and clearly.',
    },
    {
      critic: 'Point out any claim in the answer that is false or that the answer cannot know.',
      revision: 'Rewrite the answer so that it makes no false or unfounded claims.',
    },
  ],
};

/** A file's text as a constitution, or the first problem: invalid JSON, or the field that breaks the layout. */
export function parseConstitution(text: string): { constitution: Constitution } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = ConstitutionSchema.safeParse(json);
  if (parsed.success) return { constitution: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'the file';
  return {
    problem: `${where}: ${issue?.message ?? 'not a constitution'} (expected { constitutions: [{ critic, revision }] })`,
  };
}

/** The principles' problems the engine would refuse: an empty list, or an empty request. */
export function constitutionProblem(constitution: Constitution): string | undefined {
  if (constitution.constitutions.length === 0) return 'The constitution needs at least one principle.';
  const empty = constitution.constitutions.findIndex((p) => !p.critic.trim() || !p.revision.trim());
  return empty >= 0 ? `Principle ${empty + 1} needs both a critique request and a revision request.` : undefined;
}

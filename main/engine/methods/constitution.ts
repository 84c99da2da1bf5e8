/**
 * A constitution for Constitutional AI: principles as critique/revision request pairs, in the layout of Anthropic's
 * published constitution file (`constitutions: [{ critic, revision }]`, optional few-shot `system_chat`). Pure (zod
 * only), so the renderer's constitution editor validates with the same schema as the engine.
 */
import { z } from 'zod';

export const ConstitutionSchema = z.object({
  constitutions: z.array(z.object({ critic: z.string().min(1), revision: z.string().min(1) })).min(1),
  system_chat: z.array(z.array(z.object({ role: z.string(), content: z.string() }))).optional(),
});
export type Constitution = z.infer<typeof ConstitutionSchema>;

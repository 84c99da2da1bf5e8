/**
 * Typed reads of one record's fields. Each read returns the value when it is usable and otherwise records why not, so
 * one pass over a row reports every problem in it, each naming its field (with a path into nested values).
 */
import { describe } from './records';
import { error, type Message, type Problem, type SourceRecord, type Turns, warning } from './types';

/** How a layout spells a message: TRL's {role, content}, ShareGPT's {from, value}. */
export interface MessageKeys {
  role: string;
  content: string;
  /** Renames of roles (ShareGPT's "human" → "user"); when given, other roles are errors. */
  roles?: Record<string, string>;
}

const TRL_MESSAGE: MessageKeys = { role: 'role', content: 'content' };

function isMissing(value: unknown): boolean {
  return value === undefined || value === null;
}

export class FieldReader {
  readonly problems: Problem[] = [];

  constructor(readonly record: SourceRecord) {}

  get line(): number {
    return this.record.line;
  }

  value(field: string): unknown {
    return this.record.values[field];
  }

  error(field: string | null, message: string): undefined {
    this.problems.push(error(this.line, field, message));
    return undefined;
  }

  warn(field: string | null, message: string): void {
    this.problems.push(warning(this.line, field, message));
  }

  /** Required text: present, a string, not empty. Text of only whitespace is kept, with a warning. */
  text(field: string, value = this.value(field)): string | undefined {
    if (isMissing(value)) return this.error(field, 'is missing');
    if (typeof value !== 'string') return this.error(field, `must be text, not ${describe(value)}`);
    if (value === '') return this.error(field, 'is empty');
    if (value.trim() === '') this.warn(field, 'is only whitespace');
    return value;
  }

  /** Text that may be absent (Alpaca's `input`): absent reads as "". */
  optionalText(field: string, value = this.value(field)): string | undefined {
    if (isMissing(value)) return '';
    if (typeof value !== 'string') return this.error(field, `must be text, not ${describe(value)}`);
    return value;
  }

  list(field: string, value = this.value(field)): unknown[] | undefined {
    if (isMissing(value)) return this.error(field, 'is missing');
    if (!Array.isArray(value)) return this.error(field, `must be a list, not ${describe(value)}`);
    if (value.length === 0) return this.error(field, 'is an empty list');
    return value;
  }

  object(field: string, value: unknown): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return this.error(field, `must be an object, not ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  messages(field: string, value = this.value(field), keys = TRL_MESSAGE): Message[] | undefined {
    const items = this.list(field, value);
    if (!items) return undefined;
    const messages = items.map((item, index) => this.message(`${field}[${index}]`, item, keys));
    return messages.every((message) => message !== undefined) ? messages : undefined;
  }

  private message(path: string, item: unknown, keys: MessageKeys): Message | undefined {
    const object = this.object(path, item);
    if (!object) return undefined;
    const role = this.text(`${path}.${keys.role}`, object[keys.role]);
    const content = this.text(`${path}.${keys.content}`, object[keys.content]);
    if (role === undefined || content === undefined) return undefined;
    if (!keys.roles) return { role, content };
    const renamed = keys.roles[role.toLowerCase()];
    if (renamed === undefined) {
      const known = Object.keys(keys.roles).join(', ');
      return this.error(`${path}.${keys.role}`, `"${role}" is not a known speaker (${known})`);
    }
    return { role: renamed, content };
  }

  /** Text (standard format) or a list of {role, content} messages (conversational format). */
  turns(field: string, value = this.value(field)): Turns | undefined {
    if (Array.isArray(value)) return this.messages(field, value);
    if (isMissing(value) || typeof value === 'string') return this.text(field, value);
    return this.error(field, `must be text or a list of {role, content} messages, not ${describe(value)}`);
  }

  /** A boolean; CSV has no types, so "true" and "false" (any case) are read as booleans too. */
  label(field: string, value = this.value(field)): boolean | undefined {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    if (isMissing(value)) return this.error(field, 'is missing');
    return this.error(field, `must be true or false, not ${describe(value)}`);
  }
}

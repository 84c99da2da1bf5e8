/** The built-in demo's task domain: prompts, replies, the oracle, the datasets and the tokenizer. */
export {
  BOT_TAG,
  DEMO_MAX_CHARS,
  formatCompletion,
  formatConversation,
  formatPrompt,
  questionOf,
  USER_TAG,
} from './chat-format';
export * from './datasets';
export { explainScore, type OracleRule, type OracleScore, scoreResponse } from './oracle';
export { allDemoPrompts, DEMO_CATEGORIES, type DemoCategory, type DemoPrompt, findDemoPrompt } from './prompts';
export { CATEGORY_STYLES, idealReply, type ReplyStyle, writeReply } from './replies';
export { DEMO_SPLIT_SEED, demoPromptSplit, HELD_OUT_PER_CATEGORY } from './split';
export * from './tokenizer';

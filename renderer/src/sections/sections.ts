/** The app's sections (SPEC §5), in sidebar order: Ctrl/Cmd+1…6 follow it. */
export interface SectionSpec {
  id: 'wizard' | 'data' | 'runs' | 'chat' | 'models' | 'engine';
  title: string;
  /** One line on what the section is for. */
  purpose: string;
  /** False while the section's engine verbs do not exist yet. */
  available: boolean;
}

export const SECTIONS: SectionSpec[] = [
  {
    id: 'wizard',
    title: 'Wizard',
    purpose:
      'Pick a method from your goal, data, GPU memory and time budget: the recommended pipeline, why, and what it costs.',
    available: true,
  },
  {
    id: 'data',
    title: 'Data',
    purpose: 'Import demonstrations and preference pairs, see every invalid row, preview them with the chat template.',
    available: true,
  },
  {
    id: 'runs',
    title: 'Runs',
    purpose: 'Queue SFT, reward-model, DPO, PPO and CAI runs; watch their metrics live; stop, resume and fork them.',
    available: true,
  },
  {
    id: 'chat',
    title: 'Chat',
    purpose: 'Let 2–4 checkpoints answer the same prompt side by side; blind votes become preference data.',
    available: true,
  },
  {
    id: 'models',
    title: 'Models',
    purpose: 'Import Hugging Face and llama2.c models, follow their lineage, export HF folders and ONNX.',
    available: true,
  },
  {
    id: 'engine',
    title: 'Engine',
    purpose: 'The tensor backend the engine chose, the others and why they are unavailable, devices and memory.',
    available: true,
  },
];

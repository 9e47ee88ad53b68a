import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const planCommand: Command = {
  name: 'plan',
  summary: '',
  help: 'Usage: kiln plan',
  async run() {
    throw new KilnError('INTERNAL', 'kiln plan is not implemented yet');
  },
};

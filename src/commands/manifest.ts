import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const manifestCommand: Command = {
  name: 'manifest',
  summary: '',
  help: 'Usage: kiln manifest',
  async run() {
    throw new KilnError('INTERNAL', 'kiln manifest is not implemented yet');
  },
};

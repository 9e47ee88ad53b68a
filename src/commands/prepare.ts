import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const prepareCommand: Command = {
  name: 'prepare',
  summary: '',
  help: 'Usage: kiln prepare',
  async run() {
    throw new KilnError('INTERNAL', 'kiln prepare is not implemented yet');
  },
};

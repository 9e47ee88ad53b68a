import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const tagsCommand: Command = {
  name: 'tags',
  summary: '',
  help: 'Usage: kiln tags',
  async run() {
    throw new KilnError('INTERNAL', 'kiln tags is not implemented yet');
  },
};

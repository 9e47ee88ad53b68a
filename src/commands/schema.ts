import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const schemaCommand: Command = {
  name: 'schema',
  summary: '',
  help: 'Usage: kiln schema',
  async run() {
    throw new KilnError('INTERNAL', 'kiln schema is not implemented yet');
  },
};

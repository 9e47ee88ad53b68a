import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const validateCommand: Command = {
  name: 'validate',
  summary: '',
  help: 'Usage: kiln validate',
  async run() {
    throw new KilnError('INTERNAL', 'kiln validate is not implemented yet');
  },
};

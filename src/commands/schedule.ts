import { KilnError } from '../errors.js';
import type { Command } from './command.js';

// Placeholder until its issue lands.
export const scheduleCommand: Command = {
  name: 'schedule',
  summary: '',
  help: 'Usage: kiln schedule',
  async run() {
    throw new KilnError('INTERNAL', 'kiln schedule is not implemented yet');
  },
};

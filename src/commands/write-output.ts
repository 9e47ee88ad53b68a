// Writing a command's output file (child pipeline, plan, selection): the folder is created, and a
// path that cannot be written is the user's to fix, a usage error with the caller's words.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KilnError } from '../errors.js';

export async function writeOutputFile(
  file: string,
  text: string,
  failure: { message: string; hint: string },
): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (error) {
    throw new KilnError('USAGE', failure.message, { cause: error, hint: failure.hint });
  }
}

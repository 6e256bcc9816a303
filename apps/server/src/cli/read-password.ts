// A password for the CLI, never from the command line (it would stay in the shell's history
// and in the process list): typed at a prompt that does not echo it, or piped on stdin.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { passwordSchema } from '@wikisync/shared';
import { UsageError } from './arguments.js';

async function readPiped(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) process.stderr.write(chunk, encoding);
      callback();
    },
  });
  const reader = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    reader.question(question, (answer) => {
      reader.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

export async function readNewPassword(userName: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt(`New password for ${userName}: `);
    if ((await prompt('Once more: ')) !== password) throw new UsageError('the two passwords differ');
  } else {
    password = await readPiped();
  }
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success)
    throw new UsageError(`the password ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

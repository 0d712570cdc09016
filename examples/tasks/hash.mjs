// examples/tasks/hash.mjs
import { createHash } from 'node:crypto';

/** A SyncTask body: CPU-bound, so it runs on an executor thread, loaded from this module. */
export default function hash({ args: [text, rounds] }) {
  let digest = text;
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}

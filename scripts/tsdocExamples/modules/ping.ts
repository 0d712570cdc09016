/** The `./ping.js` task module the TSDoc examples name: pings a host, resolves its round trip in ms. */
import type { TaskContext } from 'async-scheduler';

export default async function ping({ args: [host] }: TaskContext<[string]>): Promise<number> {
  const started = performance.now();
  await fetch(`https://${host}/`, { method: 'HEAD' });
  return performance.now() - started;
}

/**
 * Where a `node --cpu-prof` profile's time went, as the benchmark notes report it:
 *
 * ```sh
 * node --import tsx bench/cpuProfileBreakdown.ts FILE.cpuprofile [TOP]
 * ```
 *
 * Prints (1) self time by where the code lives: this package's `dist/` by file, each package of
 * node_modules, Node's internals, V8 builtins by name, and GC / idle / program; (2) the
 * inclusive time of the TOP functions of this package and of BullMQ (a sample counts once for
 * each function on its stack), so that, say, everything a JobEventFeed handler causes (XState,
 * the ledger, RxJS) shows under it.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** V8's pseudo-frames: time that is not in a JS function. */
const PSEUDO_FRAMES = new Set(['(garbage collector)', '(idle)', '(program)', '(root)']);

/** Where a frame's code lives, for the self-time table. */
function categoryOf({ functionName, url }: CallFrame): string {
  if (url === '')
    return PSEUDO_FRAMES.has(functionName)
      ? functionName
      : `V8 builtin ${functionName || '(anonymous)'}`;
  const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (inPackage?.[1] !== undefined) return inPackage[1];
  const ours = /\/dist\/(.+)$/.exec(url);
  if (ours?.[1] !== undefined) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return 'Node internals';
  return `other: ${url.replace(/^.*\//, '')}`;
}

/** A frame worth an inclusive figure: this package's code and BullMQ's. */
function namedFrame({ functionName, url, lineNumber }: CallFrame): string | undefined {
  const bullmq = /\/node_modules\/bullmq\/dist\/(?:esm|cjs)\/(.+)$/.exec(url);
  const ours = url.includes('/node_modules/') ? null : /\/dist\/(.+)$/.exec(url);
  const file = ours?.[1] ?? (bullmq?.[1] === undefined ? undefined : `bullmq/${bullmq[1]}`);
  if (file === undefined) return undefined;
  return `${functionName || '(anonymous)'} ${file}:${String(lineNumber + 1)}`;
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: cpuProfileBreakdown.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) {
  for (const child of node.children ?? []) parentOf.set(child, node.id);
}

const selfMs = new Map<string, number>();
const inclusiveMs = new Map<string, number>();
let totalMs = 0;
profile.samples.forEach((nodeId, index) => {
  const ms = (profile.timeDeltas[index] ?? 0) / 1000;
  totalMs += ms;
  const node = byId.get(nodeId);
  if (node === undefined) return;
  const category = categoryOf(node.callFrame);
  selfMs.set(category, (selfMs.get(category) ?? 0) + ms);
  const onStack = new Set<string>();
  for (let id: number | undefined = nodeId; id !== undefined; id = parentOf.get(id)) {
    const name = namedFrame(
      byId.get(id)?.callFrame ?? { functionName: '', url: '', lineNumber: 0 },
    );
    if (name !== undefined) onStack.add(name);
  }
  for (const name of onStack) inclusiveMs.set(name, (inclusiveMs.get(name) ?? 0) + ms);
});

const idleMs = selfMs.get('(idle)') ?? 0;
const busyMs = totalMs - idleMs;
const pct = (ms: number, of: number): string => `${((ms / of) * 100).toFixed(1)}%`;
const sorted = (map: Map<string, number>): [string, number][] =>
  [...map].sort(([, a], [, b]) => b - a);

console.log(
  `${file}\ntotal ${totalMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms, busy ${busyMs.toFixed(0)} ms\n`,
);
console.log('self time by where the code lives (% of busy)');
for (const [category, ms] of sorted(selfMs)) {
  if (category === '(idle)' || ms / busyMs < 0.002) continue;
  console.log(`  ${pct(ms, busyMs).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${category}`);
}
console.log(
  `\ninclusive time of this package's and BullMQ's functions, top ${String(top)} (% of busy)`,
);
for (const [name, ms] of sorted(inclusiveMs).slice(0, top)) {
  console.log(`  ${pct(ms, busyMs).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
}

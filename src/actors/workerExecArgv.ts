/**
 * The flags that make the process run a string instead of a file: `-e`/`--eval`, `-p`/`--print`
 * (and `-pe`), and `--input-type`, which Node allows only with them or with stdin. A worker
 * thread that inherits them refuses its own entry file (`ERR_INPUT_TYPE_NOT_ALLOWED`).
 */
const EVAL_FLAGS: ReadonlySet<string> = new Set([
  '-e',
  '--eval',
  '-p',
  '--print',
  '-pe',
  '--input-type',
]);

/**
 * Flags of the whole process, and V8's, that Node refuses in a worker's own `execArgv`
 * (`ERR_WORKER_INVALID_EXEC_ARGV`) although it allows them in `NODE_OPTIONS`; and the
 * inspector's, which belongs to the process (a worker given `--inspect-brk` would wait for a
 * debugger). All of them are in effect in every thread of the process already.
 */
const PROCESS_WIDE_FLAGS: ReadonlySet<string> = new Set([
  '--abort-on-uncaught-exception',
  '--debug-arraybuffer-allocations',
  '--debug-port',
  '--disable-proto',
  '--disable-wasm-trap-handler',
  '--enable-etw-stack-walking',
  '--enable-fips',
  '--experimental-shadow-realm',
  '--expose-gc',
  '--force-fips',
  '--huge-max-old-generation-size',
  '--icu-data-dir',
  '--inspect',
  '--inspect-brk',
  '--inspect-port',
  '--inspect-publish-uid',
  '--inspect-wait',
  '--interpreted-frames-native-stack',
  '--jitless',
  '--max-old-space-size',
  '--max-semi-space-size',
  '--node-memory-debug',
  '--node-snapshot',
  '--openssl-config',
  '--openssl-legacy-provider',
  '--openssl-shared-config',
  '--perf-basic-prof',
  '--perf-basic-prof-only-functions',
  '--perf-prof',
  '--perf-prof-unwinding-info',
  '--report-compact',
  '--report-dir',
  '--report-directory',
  '--report-filename',
  '--report-on-fatalerror',
  '--secure-heap',
  '--secure-heap-min',
  '--snapshot-blob',
  '--stack-trace-limit',
  '--title',
  '--tls-cipher-list',
  '--trace-event-categories',
  '--trace-event-file-pattern',
  '--trace-events-enabled',
  '--trace-sigint',
  '--use-bundled-ca',
  '--use-largepages',
  '--use-openssl-ca',
  '--v8-pool-size',
  '--watch',
  '--watch-path',
  '--watch-preserve-output',
  '--zero-fill-buffers',
]);

/** A flag's name: before any `=value`, V8's `_` spelled `-`, without a `--no-` negation. */
function flagName(flag: string): string {
  const name = flag.split('=', 1)[0] ?? flag;
  if (!name.startsWith('--')) return name;
  const spelled = `--${name.slice(2).replaceAll('_', '-')}`;
  return spelled.startsWith('--no-') ? `--${spelled.slice(5)}` : spelled;
}

/**
 * The parent's flags, each with the values written after it (`['--import', 'tsx']`): in
 * `execArgv` (which holds no script path) an argument that is not a flag is a value.
 */
function groupFlags(execArgv: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const arg of execArgv) {
    const last = groups.at(-1);
    const lastFlag = last?.[0] ?? '';
    // Eval code may begin with '-': it is the one value of a flag not written `--eval=code`.
    const isValue = EVAL_FLAGS.has(flagName(lastFlag))
      ? last?.length === 1 && !lastFlag.includes('=')
      : last !== undefined && !arg.startsWith('-');
    if (isValue) last?.push(arg);
    else groups.push([arg]);
  }
  return groups;
}

/**
 * The `execArgv` to start a library worker thread (lane thread, SyncTask executor thread) with,
 * given the parent's `process.execArgv`: `undefined` (inherit them, Node's default) unless they
 * would keep a worker from loading its entry file.
 *
 * @remarks A script run as `node --input-type=module -e '…'` (or with `--print`, or from stdin
 * with `--input-type`) hands those flags to every worker it starts, and the worker then refuses
 * its entry file with `ERR_INPUT_TYPE_NOT_ALLOWED`. In that case the list returned is the
 * parent's without the eval flags, their code and `--input-type`, keeping the flags that set up
 * a Node environment (those `process.allowedNodeEnvironmentFlags` lists: `--import tsx`,
 * `--conditions`, `--enable-source-maps`, …) except the process-wide, V8 and inspector ones,
 * which Node refuses in an explicit `execArgv` and which apply to the worker anyway. Other flags
 * (V8's, `--expose-internals`, …) are left out too: Node would refuse the V8 ones.
 * Otherwise the worker inherits the parent's options untouched, as a plain `new Worker` does.
 * @param parentExecArgv - the parent's flags. @default process.execArgv
 * @param environmentFlags - the flags Node lets configure an environment.
 * @default process.allowedNodeEnvironmentFlags
 * @example
 * ```ts
 * import { workerExecArgv } from './workerExecArgv.js';
 *
 * workerExecArgv(['--import', 'tsx', '--input-type=module', '-e', 'code']); // ['--import', 'tsx']
 * workerExecArgv(['--import', 'tsx']); // undefined: inherit
 * ```
 */
export function workerExecArgv(
  parentExecArgv: readonly string[] = process.execArgv,
  environmentFlags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags,
): string[] | undefined {
  const groups = groupFlags(parentExecArgv);
  if (!groups.some(([flag]) => EVAL_FLAGS.has(flagName(flag ?? '')))) return undefined;
  return groups
    .filter(([flag = '']) => {
      const name = flagName(flag);
      return !EVAL_FLAGS.has(name) && !PROCESS_WIDE_FLAGS.has(name) && environmentFlags.has(flag);
    })
    .flat();
}

import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../src/actors/workerExecArgv.js';

const CODE = "import('./x.js')";

describe('workerExecArgv()', () => {
  it('inherits (undefined) when no flag runs a string', () => {
    expect(workerExecArgv([])).toBeUndefined();
    expect(workerExecArgv(['--import', 'tsx', '--max-old-space-size=512'])).toBeUndefined();
  });

  it.each([
    [['--input-type=module', '-e', CODE]],
    [['--input-type', 'module', '--eval', CODE]],
    [['--eval=' + CODE, '--input-type=commonjs']],
    [['-p', CODE]],
    [['--print', CODE]],
    [['-pe', CODE]],
    [['--input-type=module']], // a script read from stdin
    [['-p', '-1']], // code that looks like a flag
  ])('drops the eval flags, their code and --input-type from %j', (execArgv) => {
    expect(workerExecArgv(execArgv)).toEqual([]);
  });

  it('keeps the flags a worker needs to load modules, in order', () => {
    const kept = [
      '--import',
      'tsx',
      '--conditions=development',
      '-C',
      'custom',
      '--enable-source-maps',
      '--require',
      './setup.cjs',
      '--experimental-loader',
      'ts-node/esm',
      '--no-warnings',
    ];
    expect(workerExecArgv(['--input-type=module', ...kept, '-e', CODE])).toEqual(kept);
  });

  it('drops the process-wide, V8 and inspector flags, with their values', () => {
    const execArgv = [
      '--max-old-space-size=4096',
      '--max-semi-space-size=16',
      '--expose_gc',
      '--expose-gc',
      '--title',
      'my-app',
      '--stack-size=2000',
      '--jitless',
      '--no-opt',
      '--no-zero-fill-buffers',
      '--inspect-brk=0',
      '--trace-warnings',
      '--input-type=module',
      '-e',
      CODE,
    ];
    expect(workerExecArgv(execArgv)).toEqual(['--trace-warnings']);
  });

  it('returns flags a worker starts with (Node refuses the others synchronously)', async () => {
    const execArgv = workerExecArgv([
      '--max-old-space-size=4096',
      '--expose-gc',
      '--title=app',
      '--no-opt',
      '--single-threaded-gc',
      '--conditions=development',
      '--input-type=module',
      '-e',
      CODE,
    ]);
    const worker = new Worker(
      'require("node:worker_threads").parentPort.postMessage(process.execArgv)',
      {
        eval: true,
        execArgv,
      },
    );
    const seen = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(seen).toEqual(['--conditions=development']);
  });
});

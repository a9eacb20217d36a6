// The model check's child process (see model-check.ts): loads one ONNX file as the platform would serve it and
// prints what came of it as JSON lines on stdout. It runs under the memory limits its parent set, so a model that
// needs too much memory ends this process, never the API or a worker.
import * as fs from 'node:fs';
import { loadServableModel, OnnxModelRejectedError } from '@him/ml';
import type { ModelCheckMessage } from './model-check';

const say = (message: ModelCheckMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function check(name: string, file: string): Promise<void> {
  // Node and the modules are up: from here on, a crash is the model's doing.
  say({ ready: true });
  try {
    const model = await loadServableModel(name, fs.readFileSync(file), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    await model.session.release();
    say({ servable: true });
  } catch (err) {
    if (err instanceof OnnxModelRejectedError) say({ rejected: { reason: err.reason, message: err.message } });
    else say({ failed: err instanceof Error ? err.message : String(err) });
  }
}

const [name, file] = process.argv.slice(2);
void check(name, file);

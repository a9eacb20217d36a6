/* Writes the prebuilt workflow bundle that production workers load (WORKER_BUNDLE_PATH): no webpack at start. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflows } from './workflow-bundle';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await bundleWorkflows();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

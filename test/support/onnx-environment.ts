import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment runs each test file in its own vm context, with its own typed-array constructors.
 * onnxruntime-node's native binding creates output tensors with the main realm's Float32Array, and
 * onnxruntime-common (loaded inside the test's context) then refuses them: `A float32 tensor's data must be
 * type of function Float32Array()` (microsoft/onnxruntime#16622). Handing the test context the main realm's
 * constructors makes both sides agree. Jest already does this for ArrayBuffer and Uint8Array.
 * Enable per file with the docblock `@jest-environment ./test/support/onnx-environment.ts`.
 */
const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export default class OnnxTestEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const main = globalThis as Record<string, unknown>;
    const test = this.global as unknown as Record<string, unknown>;
    // Float16Array exists only on newer Node versions.
    for (const name of SHARED) if (name in main) test[name] = main[name];
  }
}

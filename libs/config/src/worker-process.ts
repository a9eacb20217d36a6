/**
 * Node flags every worker process is started with (npm start, the benches, the tests, the container images).
 *
 * A young generation of 4 MB semi-spaces instead of V8's 16 MB: a sweep reads millions of sample rows, each a
 * short-lived array, and every V8 isolate of the worker (main thread, workflow thread, feature threads) grew its
 * young generation to the maximum. The sweep bench's worker peaked at 501–509 MB over repeated sweeps with the
 * default and at 481 MB after 10 with this, for the same CPU time (scavenges of dead rows cost next to nothing). It
 * cannot be set once the process runs: V8 sizes the heap at start.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

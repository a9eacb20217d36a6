/**
 * Node flags every worker process is started with (npm start, the benches, the tests, the container images). Neither
 * can be set once the process runs: V8 sizes the heap at start.
 *
 * A young generation of 4 MB semi-spaces instead of V8's 16 MB: a sweep reads millions of sample rows, each a
 * short-lived array, and every V8 isolate of the worker (main thread, workflow thread, feature threads) grew its
 * young generation to the maximum. The sweep bench's worker peaked at 501–509 MB over repeated sweeps with the
 * default and at 481 MB after 10 with this, for the same CPU time (scavenges of dead rows cost next to nothing).
 *
 * An old generation of at most 1 GiB instead of V8's default from the machine's memory (~4 GiB here): V8 lets the old
 * generation grow in proportion to its limit before it collects, so a report's garbage (a workbook's cell objects,
 * font tables) stayed in the worker. Rendering a 100 k-row report three times in one process peaked at +236 MB with a
 * 2 GiB limit and +81 MB with 1 GiB, in the same time. 1 GiB is twice the worker's memory bar (500 MB RSS).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=1024'];

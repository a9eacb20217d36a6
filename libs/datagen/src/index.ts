// Deterministic demo data: the same seed always gives byte-identical files.
export * from './random';
export * from './rig';
export * from './files';
export * from './recordings';
export * from './captures';
export * from './tep';

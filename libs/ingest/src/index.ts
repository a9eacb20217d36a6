export * from './checksums';
export * from './file-names';
export * from './formats';
export * from './numbers';
export * from './scanner';
export * from './tep';
export * from './validate';
export * from './resolve';

export * from './windowing';
export * from './features';
export * from './classifier';

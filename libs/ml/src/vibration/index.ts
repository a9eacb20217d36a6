export * from './windowing';
export * from './features';

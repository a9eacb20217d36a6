export * from './windowing';
export * from './features';
export * from './classifier';
export * from './capture-windows';
export * from './capture-threads';

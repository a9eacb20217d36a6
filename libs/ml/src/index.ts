export * from './onnx';
export * from './vibration';
export * from './tep';
export * from './model-signatures';
export * from './random';
export * from './forecast';
export * from './training';
export * from './drift';

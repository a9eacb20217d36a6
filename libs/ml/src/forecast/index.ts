export * from './lstm';
export * from './lstm-onnx';
export * from './tep-lstm';
export * from './tep-sequences';

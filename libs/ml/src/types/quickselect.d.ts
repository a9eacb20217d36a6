// quickselect 2 ships no types: it rearranges `arr` so that arr[k] is the k-th smallest (by `compare`), the smaller
// ones before it and the larger after.
declare module 'quickselect' {
  function quickselect<T>(arr: { [index: number]: T; length: number }, k: number, left?: number, right?: number, compare?: (a: T, b: T) => number): void;
  export = quickselect;
}

/** The Tennessee Eastman process disturbances IDV(1)–IDV(21), as Downs and Vogel (1993) list them. */
export const TEP_FAULT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  1: 'A/C feed ratio, B composition constant (stream 4): step',
  2: 'B composition, A/C ratio constant (stream 4): step',
  3: 'D feed temperature (stream 2): step',
  4: 'Reactor cooling water inlet temperature: step',
  5: 'Condenser cooling water inlet temperature: step',
  6: 'A feed loss (stream 1): step',
  7: 'C header pressure loss, reduced availability (stream 4): step',
  8: 'A, B, C feed composition (stream 4): random variation',
  9: 'D feed temperature (stream 2): random variation',
  10: 'C feed temperature (stream 4): random variation',
  11: 'Reactor cooling water inlet temperature: random variation',
  12: 'Condenser cooling water inlet temperature: random variation',
  13: 'Reaction kinetics: slow drift',
  14: 'Reactor cooling water valve: sticking',
  15: 'Condenser cooling water valve: sticking',
  16: 'Unknown',
  17: 'Unknown',
  18: 'Unknown',
  19: 'Unknown',
  20: 'Unknown',
  21: 'Valve for stream 4 fixed at its steady-state position',
};

/** `IDV(6)`: how the benchmark and the plant's engineers name a fault. */
export const tepFaultName = (idv: number): string => `IDV(${idv})`;

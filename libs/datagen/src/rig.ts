// The physics of the fault-simulation rig, shared by the recordings and the live captures so that a
// classifier trained on one transfers to the other. Amplitudes are in g at nominal speed and sensor gain 1.
import { Random, Seed } from './random';

// Local aliases: these run per sample, and in a vm sandbox (jest) every global lookup such as `Math` is ~15× slower.
const { PI, cos, exp, floor, min, round, sin, sqrt } = Math;

/** Motor nominal speed: 1,500 RPM. */
export const NOMINAL_SPEED_HZ = 25;

/** Fault classes, numbered as in the seed's `vibration_diagnosis.fault_type`. */
export const FaultType = { Normal: 0, Unbalance: 1, Looseness: 2, UnbalanceLooseness: 3 } as const;
export type FaultType = (typeof FaultType)[keyof typeof FaultType];

export const machineName = (machine: number): string => `g${machine}`;

/** What makes one machine's frame ring differently from another's. */
export interface MachineProfile {
  resonanceHz: number;
  resonanceQ: number;
}

export function machineProfile(machine: number, seed: Seed): MachineProfile {
  const random = new Random(seed, 'machine', machine);
  return { resonanceHz: random.uniform(300, 500), resonanceQ: random.uniform(15, 30) };
}

/** Each sensor has its own acquisition clock and mounting (gain); rates are rounded to 0.01 Hz. */
export interface SensorProfile {
  samplingRateHz: number;
  gain: number;
}

export function sensorProfile(machine: number, sensor: number, seed: Seed): SensorProfile {
  const random = new Random(seed, 'sensor', machine, sensor);
  return { samplingRateHz: round(random.uniform(1300, 1400) * 100) / 100, gain: random.uniform(0.8, 1.25) };
}

/** Shaft speed over time: a start-up ramp to the base speed, then a slow drift around it. */
export interface SpeedProfile {
  baseHz: number;
  /** 0 when the capture starts at steady state. */
  startupSeconds: number;
  /** Peak relative drift, e.g. 0.015 for ±1.5 %. */
  driftFraction: number;
  driftPhases: readonly [number, number];
}

export function speedHzAt(profile: SpeedProfile, seconds: number): number {
  const [p0, p1] = profile.driftPhases;
  // Two slow, incommensurate swings: supply frequency and load wander on the scale of tens of seconds.
  const drift = profile.driftFraction * (0.7 * sin((2 * PI * seconds) / 53 + p0) + 0.3 * sin((2 * PI * seconds) / 17 + p1));
  let ramp = 1;
  if (seconds < profile.startupSeconds) {
    const r = seconds / profile.startupSeconds;
    ramp = r * r * (3 - 2 * r);
  }
  return profile.baseHz * ramp * (1 + drift);
}

// Healthy machine: residual unbalance and misalignment, frame resonance excited by running, sensor noise.
const RESIDUAL_1X = 0.03;
const RESIDUAL_2X = 0.012;
const STRUCTURE_RMS = 0.02;
const SENSOR_NOISE_RMS = 0.004;
// Mass unbalance: a centrifugal force at 1×.
const UNBALANCE_1X = 0.35;
// Support looseness, per half order 0.5×, 1×, …, 10×: half-harmonics from a support that rocks every second
// revolution, a long train of harmonics from the non-linear (truncated) motion.
const LOOSENESS_HALF_ORDERS = [0.05, 0.08, 0.04, 0.09, 0.03, 0.07, 0.02, 0.06, 0, 0.05, 0, 0.045, 0, 0.04, 0, 0.035, 0, 0.03, 0, 0.025];
/** The lifted support hits its stop: the positive swing is cut at this multiple of the looseness RMS. */
const LOOSENESS_TRUNCATION = 0.8;
/** Impact on every second revolution is stronger (the rocking foot), which adds to the half-harmonics. */
const IMPACT_STRONG = 0.3;
const IMPACT_WEAK = 0.12;

/** A lightly damped frame mode: a two-pole resonator driven by running noise and impacts. */
class FrameResonance {
  private readonly a1: number;
  private readonly a2: number;
  /** Drive for unit-variance noise giving the wanted RMS at nominal speed. */
  readonly noiseDrive: number;
  /** Drive that makes a unit impact ring with peak ≈ 1. */
  readonly impactDrive: number;
  private y1 = 0;
  private y2 = 0;

  constructor(machine: MachineProfile, samplingRateHz: number) {
    const omega = (2 * PI * machine.resonanceHz) / samplingRateHz;
    const r = exp((-PI * machine.resonanceHz) / machine.resonanceQ / samplingRateHz);
    this.a1 = 2 * r * cos(omega);
    this.a2 = -r * r;
    // Stationary variance of the AR(2) process y = x + a1·y1 + a2·y2 for unit-variance x.
    const variance = (1 + r * r) / ((1 - r * r) * ((1 + r * r) ** 2 - this.a1 * this.a1));
    this.noiseDrive = STRUCTURE_RMS / sqrt(variance);
    this.impactDrive = sin(omega);
  }

  step(input: number): number {
    const y = input + this.a1 * this.y1 + this.a2 * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** Accelerometers are AC-coupled: a first-order high-pass (≈0.5 Hz) removes the offset a truncated swing leaves. */
class AcCoupling {
  private readonly pole: number;
  private primed = false;
  private previousInput = 0;
  private previousOutput = 0;

  constructor(samplingRateHz: number) {
    this.pole = exp((-2 * PI * 0.5) / samplingRateHz);
  }

  step(input: number): number {
    // A capture joins a running machine: start as if the signal had always been there, without a step transient.
    if (this.primed) this.previousOutput = input - this.previousInput + this.pole * this.previousOutput;
    else this.previousOutput = input;
    this.primed = true;
    this.previousInput = input;
    return this.previousOutput;
  }
}

/** Σ over half orders m of (a·sin mψ + b·cos mψ); sin/cos of mψ by the Chebyshev recurrence, two calls per sample. */
function halfOrderSeries(coefficients: Float64Array, halfAngle: number): number {
  const twoCos = 2 * cos(halfAngle);
  let sinPrev = 0;
  let cosPrev = 1;
  let sinM = sin(halfAngle);
  let cosM = twoCos / 2;
  let sum = 0;
  for (let i = 0; i < coefficients.length; i += 2) {
    sum += coefficients[i] * sinM + coefficients[i + 1] * cosM;
    const sinNext = twoCos * sinM - sinPrev;
    const cosNext = twoCos * cosM - cosPrev;
    sinPrev = sinM;
    cosPrev = cosM;
    sinM = sinNext;
    cosM = cosNext;
  }
  return sum;
}

/**
 * One accelerometer signal of the rig under one fault condition. Feed it the shaft angle and the speed
 * relative to nominal at each sample; several channels can share one shaft (the recordings' four columns).
 */
export class VibrationChannel {
  /** sin/cos coefficients of the linear 1× and 2× response. */
  private readonly linear: readonly [number, number, number, number];
  /** sin/cos coefficients per half order, or null when the support is tight. */
  private readonly looseness: Float64Array | null;
  private readonly truncation: number;
  private readonly frame: FrameResonance;
  private readonly coupling: AcCoupling;
  private lastRevolution = 0;

  constructor(
    faultType: FaultType,
    machine: MachineProfile,
    private readonly sensor: SensorProfile,
    private readonly random: Random,
    /** Scales the fault's own components; 1 is the rig's fault as recorded. */
    private readonly severity = 1,
  ) {
    const phase = (): number => random.uniform(0, 2 * PI);
    const p1 = phase();
    const p2 = phase();
    let sin1x = RESIDUAL_1X * cos(p1);
    let cos1x = RESIDUAL_1X * sin(p1);
    if (faultType === FaultType.Unbalance || faultType === FaultType.UnbalanceLooseness) {
      const pu = phase();
      sin1x += severity * UNBALANCE_1X * cos(pu);
      cos1x += severity * UNBALANCE_1X * sin(pu);
    }
    this.linear = [sin1x, cos1x, RESIDUAL_2X * cos(p2), RESIDUAL_2X * sin(p2)];

    if (faultType === FaultType.Looseness || faultType === FaultType.UnbalanceLooseness) {
      const coefficients = new Float64Array(2 * LOOSENESS_HALF_ORDERS.length);
      let power = 0;
      LOOSENESS_HALF_ORDERS.forEach((amplitude, i) => {
        const p = phase();
        coefficients[2 * i] = severity * amplitude * cos(p);
        coefficients[2 * i + 1] = severity * amplitude * sin(p);
        power += (severity * amplitude) ** 2 / 2;
      });
      this.looseness = coefficients;
      this.truncation = LOOSENESS_TRUNCATION * sqrt(power);
    } else {
      this.looseness = null;
      this.truncation = 0;
    }
    this.frame = new FrameResonance(machine, sensor.samplingRateHz);
    this.coupling = new AcCoupling(sensor.samplingRateHz);
  }

  /** The next sample, for the shaft at `shaftAngle` radians turning at `speedRatio` × nominal. */
  sample(shaftAngle: number, speedRatio: number): number {
    // Rotating-mass forces grow with the square of speed; running noise roughly with speed.
    const force = speedRatio * speedRatio;
    const [s1, c1, s2, c2] = this.linear;
    let response = force * (s1 * sin(shaftAngle) + c1 * cos(shaftAngle) + s2 * sin(2 * shaftAngle) + c2 * cos(2 * shaftAngle));
    let frameInput = this.frame.noiseDrive * speedRatio * this.random.gaussian();

    if (this.looseness) {
      response += force * min(halfOrderSeries(this.looseness, shaftAngle / 2), this.truncation);
      const revolution = floor(shaftAngle / (2 * PI));
      if (revolution > this.lastRevolution) {
        this.lastRevolution = revolution;
        const impact = (revolution % 2 === 0 ? IMPACT_STRONG : IMPACT_WEAK) * this.severity * (1 + 0.15 * this.random.gaussian());
        frameInput += this.frame.impactDrive * force * impact;
      }
    }
    response += this.frame.step(frameInput);
    return this.sensor.gain * this.coupling.step(response) + SENSOR_NOISE_RMS * this.random.gaussian();
  }
}

/** The shaft angle, integrated sample by sample from the speed profile so that speed changes never jump the phase. */
export class Shaft {
  private angle = 0;

  constructor(
    private readonly speed: SpeedProfile,
    private readonly samplingRateHz: number,
  ) {}

  /** Speed ratio and angle at sample `index`; call with consecutive indices. */
  at(index: number): { angle: number; speedRatio: number } {
    const speedHz = speedHzAt(this.speed, index / this.samplingRateHz);
    const state = { angle: this.angle, speedRatio: speedHz / NOMINAL_SPEED_HZ };
    this.angle += (2 * PI * speedHz) / this.samplingRateHz;
    return state;
  }
}

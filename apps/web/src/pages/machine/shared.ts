// What the Machine page's parts share: the API's shapes they read, its words, and the URL's date range.
import type { Words } from '../../i18n';

export interface Diagnosis {
  fault_type: number;
  confidence: number | null;
  model_version: string | null;
  job_id: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** The URL keeps whole days (YYYY-MM-DD); the API's time filters want instants, its KPI filters days. */
export const dayStart = (day: string | undefined): string | undefined => (day ? `${day.slice(0, 10)}T00:00:00Z` : undefined);
export const dayEnd = (day: string | undefined): string | undefined => (day ? `${day.slice(0, 10)}T23:59:59.999Z` : undefined);
export const dayOnly = (day: string | undefined): string | undefined => day?.slice(0, 10);

/** Hz as shown beside RPM (the rig runs at 25 Hz = 1,500 RPM). */
export const hzRpm = (hz: number): string => `${hz.toFixed(2)} Hz (${Math.round(hz * 60).toLocaleString()} RPM)`;

export const WORDS: Words<
  | 'title'
  | 'machine'
  | 'sensor'
  | 'allSensors'
  | 'fault'
  | 'allFaults'
  | 'clear'
  | 'captures'
  | 'capturedAt'
  | 'samples'
  | 'diagnosis'
  | 'confidence'
  | 'previous'
  | 'next'
  | 'shown'
  | 'waveform'
  | 'spectrum'
  | 'time'
  | 'amplitude'
  | 'frequency'
  | 'runningSpeed'
  | 'noSpectrum'
  | 'windows'
  | 'window'
  | 'model'
  | 'job'
  | 'noCapture'
  | 'timeline'
  | 'timelineCapped'
  | 'kpi'
  | 'faultRate'
  | 'mtbf'
  | 'anomalies'
  | 'detectedAt'
  | 'severity'
  | 'score'
  | 'method'
  | 'lot'
  | 'acknowledged'
  | 'acknowledge'
  | 'open'
> = {
  en: {
    title: 'Machine',
    machine: 'Machine',
    sensor: 'Sensor',
    allSensors: 'All sensors',
    fault: 'Fault type',
    allFaults: 'All fault types',
    clear: 'Clear filters',
    captures: 'Captures',
    capturedAt: 'Captured at',
    samples: 'Samples',
    diagnosis: 'Diagnosis',
    confidence: 'Confidence',
    previous: 'Previous',
    next: 'Next',
    shown: 'shown of',
    waveform: 'Waveform',
    spectrum: 'Spectrum',
    time: 'Time (s)',
    amplitude: 'Amplitude',
    frequency: 'Frequency (Hz)',
    runningSpeed: 'Running speed',
    noSpectrum: 'This capture is too short for a spectrum',
    windows: 'Window diagnoses',
    window: 'Window',
    model: 'Model',
    job: 'Job',
    noCapture: 'No capture in this range',
    timeline: 'Diagnosis timeline',
    timelineCapped: 'Only the newest diagnoses are shown; narrow the date range to see older ones.',
    kpi: 'KPI trends (daily)',
    faultRate: 'Fault rate',
    mtbf: 'MTBF (h)',
    anomalies: 'Anomalies',
    detectedAt: 'Detected at',
    severity: 'Severity',
    score: 'Score',
    method: 'Method',
    lot: 'Lot',
    acknowledged: 'Acknowledged',
    acknowledge: 'Acknowledge',
    open: 'open',
  },
  ko: {
    title: '설비',
    machine: '설비',
    sensor: '센서',
    allSensors: '모든 센서',
    fault: '결함 유형',
    allFaults: '모든 결함 유형',
    clear: '필터 지우기',
    captures: '측정 파일',
    capturedAt: '측정 시각',
    samples: '샘플 수',
    diagnosis: '진단',
    confidence: '신뢰도',
    previous: '이전',
    next: '다음',
    shown: '표시 / 전체',
    waveform: '파형',
    spectrum: '스펙트럼',
    time: '시간 (초)',
    amplitude: '진폭',
    frequency: '주파수 (Hz)',
    runningSpeed: '회전 속도',
    noSpectrum: '이 측정은 스펙트럼을 구하기에 너무 짧습니다',
    windows: '구간별 진단',
    window: '구간',
    model: '모델',
    job: '작업',
    noCapture: '이 기간에 측정 파일 없음',
    timeline: '진단 타임라인',
    timelineCapped: '최신 진단만 표시됩니다. 이전 진단을 보려면 기간을 좁히세요.',
    kpi: 'KPI 추이 (일별)',
    faultRate: '결함률',
    mtbf: 'MTBF (시간)',
    anomalies: '이상',
    detectedAt: '감지 시각',
    severity: '심각도',
    score: '점수',
    method: '방법',
    lot: '로트',
    acknowledged: '확인됨',
    acknowledge: '확인',
    open: '미확인',
  },
};

// English and Korean labels. Each page keeps its own words beside it (labels(...)); the words every page shares are here.
import { createContext, useContext } from 'react';

export type Lang = 'en' | 'ko';
export type Words<K extends string> = Record<Lang, Record<K, string>>;

export const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: 'en', setLang: () => undefined });

/** The words of one page in the chosen language: `const t = useWords(WORDS); t.title`. */
export function useWords<K extends string>(words: Words<K>): Record<K, string> {
  return words[useContext(LangContext).lang];
}

export const useLang = (): Lang => useContext(LangContext).lang;

export const COMMON: Words<
  | 'overview'
  | 'machine'
  | 'process'
  | 'jobs'
  | 'reports'
  | 'models'
  | 'signOut'
  | 'loading'
  | 'none'
  | 'from'
  | 'to'
  | 'apply'
  | 'refresh'
  | 'all'
  | 'keyTitle'
  | 'keyHint'
  | 'keyLabel'
  | 'keySubmit'
  | 'readOnly'
  | 'language'
> = {
  en: {
    overview: 'Overview',
    machine: 'Machine',
    process: 'Process',
    jobs: 'Jobs',
    reports: 'Reports',
    models: 'Models',
    signOut: 'Sign out',
    loading: 'Loading…',
    none: 'Nothing yet',
    from: 'From',
    to: 'To',
    apply: 'Apply',
    refresh: 'Refresh',
    all: 'All',
    keyTitle: 'HIM-MES dashboard',
    keyHint: 'Enter your API key. It is kept in this browser tab only and sent in the X-API-Key header.',
    keyLabel: 'API key',
    keySubmit: 'Open the dashboard',
    readOnly: 'read only',
    language: 'Language',
  },
  ko: {
    overview: '개요',
    machine: '설비',
    process: '공정',
    jobs: '작업',
    reports: '보고서',
    models: '모델',
    signOut: '로그아웃',
    loading: '불러오는 중…',
    none: '아직 없음',
    from: '시작',
    to: '종료',
    apply: '적용',
    refresh: '새로고침',
    all: '전체',
    keyTitle: 'HIM-MES 대시보드',
    keyHint: 'API 키를 입력하세요. 이 브라우저 탭에만 보관되며 X-API-Key 헤더로 전송됩니다.',
    keyLabel: 'API 키',
    keySubmit: '대시보드 열기',
    readOnly: '읽기 전용',
    language: '언어',
  },
};

import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from 'react';
import { HashRouter, NavLink, Navigate, Route, Routes } from 'react-router-dom';
import { api, ApiError, forgetKey, storedKey, storeKey, whenUnauthenticated, type Principal } from './api';
import { ErrorNote, Loading } from './components';
import { asApiError } from './hooks';
import { COMMON, LangContext, useWords, type Lang } from './i18n';
import { PrincipalContext } from './session';
import Overview from './pages/Overview';

// Overview is what a plant engineer opens first, so it is in the first bundle; the other pages load on demand.
const Machine = lazy(() => import('./pages/Machine'));
const Process = lazy(() => import('./pages/Process'));
const Jobs = lazy(() => import('./pages/Jobs'));
const Reports = lazy(() => import('./pages/Reports'));
const Models = lazy(() => import('./pages/Models'));

const LANG_STORAGE = 'him-mes.lang';

export function App() {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_STORAGE) === 'ko' ? 'ko' : 'en'));
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_STORAGE, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const [principal, setPrincipal] = useState<Principal>();
  const [checking, setChecking] = useState(() => storedKey() !== null);
  const [keyError, setKeyError] = useState<ApiError>();

  const signOut = useCallback((reason?: string) => {
    forgetKey();
    setPrincipal(undefined);
    if (reason) setKeyError(new ApiError({ status: 401, code: 'UNAUTHENTICATED', message: reason }));
  }, []);

  useEffect(() => {
    whenUnauthenticated((message) => signOut(message));
    if (!storedKey()) return;
    api.whoAmI().then(
      (p) => (setPrincipal(p), setChecking(false)),
      (err: unknown) => (setKeyError(asApiError(err)), setChecking(false)),
    );
  }, [signOut]);

  return (
    <LangContext.Provider value={{ lang, setLang }}>
      {principal ? (
        <PrincipalContext.Provider value={principal}>
          <HashRouter>
            <Shell principal={principal} onSignOut={() => signOut()} />
          </HashRouter>
        </PrincipalContext.Provider>
      ) : checking ? (
        <Loading when />
      ) : (
        <KeyScreen error={keyError} onKey={(p) => (setKeyError(undefined), setPrincipal(p))} />
      )}
    </LangContext.Provider>
  );
}

function Shell({ principal, onSignOut }: { principal: Principal; onSignOut: () => void }) {
  const t = useWords(COMMON);
  const pages = [
    ['/', t.overview],
    ['/machine', t.machine],
    ['/process', t.process],
    ['/jobs', t.jobs],
    ['/reports', t.reports],
    ['/models', t.models],
  ] as const;
  return (
    <div className="shell">
      <nav className="nav">
        <span className="brand">HIM-MES</span>
        {pages.map(([to, label]) => (
          <NavLink key={to} to={to} end={to === '/'}>
            {label}
          </NavLink>
        ))}
        <span className="spacer" />
        <LanguagePicker />
        <span className="who" data-role={principal.role}>
          {principal.name} · {principal.role === 'viewer' ? t.readOnly : principal.role}
        </span>
        <button type="button" className="link" onClick={onSignOut}>
          {t.signOut}
        </button>
      </nav>
      <main>
        <Suspense fallback={<Loading when />}>
          <Routes>
            <Route path="/" element={<Overview />} />
            <Route path="/machine" element={<Machine />} />
            <Route path="/process" element={<Process />} />
            <Route path="/jobs" element={<Jobs />} />
            <Route path="/reports" element={<Reports />} />
            <Route path="/models" element={<Models />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

function LanguagePicker() {
  const t = useWords(COMMON);
  return (
    <LangContext.Consumer>
      {({ lang, setLang }) => (
        <select aria-label={t.language} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="en">English</option>
          <option value="ko">한국어</option>
        </select>
      )}
    </LangContext.Consumer>
  );
}

function KeyScreen({ error, onKey }: { error?: ApiError; onKey: (principal: Principal) => void }) {
  const t = useWords(COMMON);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<ApiError>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const principal = await api.whoAmI(key.trim());
      storeKey(key.trim());
      onKey(principal);
    } catch (err) {
      setRefused(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="key-screen card" onSubmit={(e) => void submit(e)}>
      <h1>{t.keyTitle}</h1>
      <p className="muted">{t.keyHint}</p>
      <label>
        {t.keyLabel}
        <input type="password" name="api-key" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus />
      </label>
      <ErrorNote error={refused ?? error} />
      <div className="row">
        <button type="submit" disabled={busy || !key.trim()}>
          {t.keySubmit}
        </button>
        <LanguagePicker />
      </div>
    </form>
  );
}

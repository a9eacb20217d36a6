import { createContext, useContext } from 'react';
import type { Principal } from './api';

export const PrincipalContext = createContext<Principal>({ name: '', role: 'viewer', prefix: '' });

export const usePrincipal = (): Principal => useContext(PrincipalContext);

/** What the key may do: a viewer sees no write controls, only an admin promotes or rolls back. */
export function useCan(): { write: boolean; admin: boolean } {
  const { role } = usePrincipal();
  return { write: role === 'operator' || role === 'admin', admin: role === 'admin' };
}

import { SetMetadata } from '@nestjs/common';
import { Role } from '@him/db';

export const PUBLIC_ROUTE = 'him:public';
export const REQUIRED_ROLE = 'him:role';

/** No API key needed (health probes). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Minimum role for a route. Without it: viewer for reads, operator for writes. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export interface Principal {
  keyId: number;
  name: string;
  role: Role;
  prefix: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

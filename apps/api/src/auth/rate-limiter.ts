import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@him/config';

const WINDOW_MS = 60_000;

/** Hits per tracker in fixed one-minute windows, kept in this process's memory: each API replica counts on its own. */
class MinuteWindows {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private sweepAt = 0;

  constructor(readonly limit: number) {}

  /** Seconds until the tracker has budget again; 0 while it has some. */
  wait(tracker: string, now = Date.now()): number {
    const w = this.windows.get(tracker);
    return w && w.endsAt > now && w.hits >= this.limit ? Math.ceil((w.endsAt - now) / 1000) : 0;
  }

  hit(tracker: string, now = Date.now()): number {
    this.sweep(now);
    const w = this.windows.get(tracker);
    if (w && w.endsAt > now) return ++w.hits;
    this.windows.set(tracker, { hits: 1, endsAt: now + WINDOW_MS });
    return 1;
  }

  /** Forgets ended windows, so addresses seen once do not pile up. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    for (const [tracker, w] of this.windows) if (w.endsAt <= now) this.windows.delete(tracker);
    this.sweepAt = now + WINDOW_MS;
  }
}

/**
 * The API's two budgets: requests per API key over all routes, and failed authentications per client address
 * (an IPv6 client counts by its /64, which one host usually owns whole).
 */
@Injectable()
export class RateLimiter {
  private readonly perKey: MinuteWindows;
  private readonly authFailures: MinuteWindows;

  constructor(config: AppConfig) {
    this.perKey = new MinuteWindows(config.rateLimitPerMinute);
    this.authFailures = new MinuteWindows(config.authFailuresPerMinute);
  }

  /** Counts one request of a key; refuses it (429) once the key's budget is used. */
  spendKeyBudget(keyId: number, reply: FastifyReply): void {
    const tracker = `key:${keyId}`;
    const wait = this.perKey.wait(tracker);
    if (wait) throw tooManyRequests(reply, wait, `Rate limit of ${this.perKey.limit} requests per minute reached for this API key`);
    const hits = this.perKey.hit(tracker);
    void reply.header('X-RateLimit-Limit', this.perKey.limit).header('X-RateLimit-Remaining', Math.max(0, this.perKey.limit - hits));
  }

  /** Refuses (429) a client address that failed authentication too often, before its key is looked up. */
  checkAuthFailures(req: FastifyRequest, reply: FastifyReply): void {
    const wait = this.authFailures.wait(clientAddress(req));
    if (wait) throw tooManyRequests(reply, wait, 'Too many failed authentications from this address; try again later');
  }

  recordAuthFailure(req: FastifyRequest): void {
    this.authFailures.hit(clientAddress(req));
  }
}

const clientAddress = (req: FastifyRequest) => normalizeIp(req.ip);

function tooManyRequests(reply: FastifyReply, seconds: number, message: string): HttpException {
  void reply.header('Retry-After', seconds);
  return new HttpException({ code: 'RATE_LIMITED', message }, HttpStatus.TOO_MANY_REQUESTS);
}

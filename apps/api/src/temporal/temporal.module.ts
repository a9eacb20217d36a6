import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AppConfig } from '@him/config';
import { ClosableRetries } from './closable-retries';

/**
 * The Temporal client. Its connection is lazy so the API starts (and reports "not ready") while the
 * Temporal server is still coming up or is down; gRPC reconnects by itself, and its retries end with the API.
 */
@Global()
@Module({
  providers: [
    ClosableRetries,
    {
      provide: Client,
      inject: [AppConfig, ClosableRetries],
      useFactory: (config: AppConfig, retries: ClosableRetries) =>
        new Client({ connection: Connection.lazy({ address: config.temporal.address, interceptors: [retries.interceptor] }), namespace: config.temporal.namespace }),
    },
  ],
  exports: [Client],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(
    @Inject(Client) private readonly client: Client,
    private readonly retries: ClosableRetries,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.retries.drain();
    await this.client.connection.close();
  }
}

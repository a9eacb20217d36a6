import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AppConfig } from '@him/config';

/**
 * The Temporal client. Its connection is lazy so the API starts (and reports "not ready") while the
 * Temporal server is still coming up or is down; gRPC reconnects by itself.
 */
@Global()
@Module({
  providers: [
    {
      provide: Client,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new Client({ connection: Connection.lazy({ address: config.temporal.address }), namespace: config.temporal.namespace }),
    },
  ],
  exports: [Client],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, ConfigModule } from '@him/config';
import { DatabaseModule } from '@him/db';
import { RegistryModule } from '@him/registry';
import { AuditModule } from './audit/audit.module';
import { AdminBootstrap } from './auth/admin-bootstrap';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthModule } from './auth/auth.module';
import { KeyThrottlerGuard } from './auth/key-throttler.guard';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { JobsModule } from './jobs/jobs.module';
import { ModelsModule } from './models/models.module';
import { TemporalModule } from './temporal/temporal.module';
import { VibrationModule } from './vibration/vibration.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.database),
        RegistryModule,
        TemporalModule,
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.rateLimitPerMinute }]),
        AuthModule,
        AuditModule,
        HealthModule,
        JobsModule,
        IngestModule,
        ModelsModule,
        VibrationModule,
      ],
      providers: [
        AdminBootstrap,
        // Order matters: authenticate first, so the rate limit can count per key.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: KeyThrottlerGuard },
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@him/config';
import { DatabaseModule } from '@him/db';
import { RegistryModule } from '@him/registry';
import { AnomaliesModule } from './anomalies/anomalies.module';
import { AuditModule } from './audit/audit.module';
import { AdminBootstrap } from './auth/admin-bootstrap';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthModule } from './auth/auth.module';
import { ClientAddressGuard, KeyRateLimitGuard } from './auth/rate-limit.guards';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { JobsModule } from './jobs/jobs.module';
import { KpiModule } from './kpi/kpi.module';
import { ReportsModule } from './reports/reports.module';
import { ModelsModule } from './models/models.module';
import { QueryModule } from './query/query.module';
import { SchedulesModule } from './schedules/schedules.module';
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
        AuthModule,
        AuditModule,
        HealthModule,
        JobsModule,
        KpiModule,
        ReportsModule,
        SchedulesModule,
        IngestModule,
        ModelsModule,
        QueryModule,
        VibrationModule,
        AnomaliesModule,
      ],
      providers: [
        AdminBootstrap,
        // Order matters: refuse an address that keeps failing authentication before looking up its key; authenticate;
        // then count the request against its key.
        { provide: APP_GUARD, useClass: ClientAddressGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: KeyRateLimitGuard },
      ],
    };
  }
}

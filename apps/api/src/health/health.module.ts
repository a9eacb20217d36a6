import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { SchedulesModule } from '../schedules/schedules.module';

@Module({ imports: [SchedulesModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}

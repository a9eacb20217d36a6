import { Module } from '@nestjs/common';
import { SchedulesBootstrap } from './schedules.bootstrap';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

@Module({ controllers: [SchedulesController], providers: [SchedulesService, SchedulesBootstrap], exports: [SchedulesBootstrap] })
export class SchedulesModule {}

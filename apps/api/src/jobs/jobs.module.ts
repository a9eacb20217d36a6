import { Module } from '@nestjs/common';
import { JobStarters } from './job-starters';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

@Module({ controllers: [JobsController], providers: [JobsService, JobStarters], exports: [JobsService, JobStarters] })
export class JobsModule {}

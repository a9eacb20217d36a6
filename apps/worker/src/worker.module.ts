import { Module } from '@nestjs/common';
import { DatabaseModule } from '@him/db';
import { ACTIVITY_CLASSES } from '../../../activities';

/** The worker's providers: the database and every activity class. */
@Module({
  imports: [DatabaseModule],
  providers: [...ACTIVITY_CLASSES],
})
export class WorkerModule {}

import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { IngestController } from './ingest.controller';
import { IngestFilesService } from './ingest-files.service';
import { IngestLedgerService } from './ingest-ledger.service';

@Module({ imports: [JobsModule], controllers: [IngestController], providers: [IngestFilesService, IngestLedgerService] })
export class IngestModule {}

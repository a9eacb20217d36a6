import { Module } from '@nestjs/common';
import { AnomaliesController } from './anomalies.controller';
import { AnomaliesService } from './anomalies.service';
import { PredictionsController } from './predictions.controller';
import { PredictionsService } from './predictions.service';
import { ProcessNames } from './process-names';

/** What the sweep found in the process lots: anomalies (list, acknowledge) and LSTM forecasts. */
@Module({
  controllers: [AnomaliesController, PredictionsController],
  providers: [AnomaliesService, PredictionsService, ProcessNames],
})
export class AnomaliesModule {}

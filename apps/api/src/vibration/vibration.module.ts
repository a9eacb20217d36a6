import { Module } from '@nestjs/common';
import { VibrationDataController } from './vibration-data.controller';
import { VibrationDataService } from './vibration-data.service';
import { VibrationDiagnosisController } from './vibration-diagnosis.controller';
import { VibrationDiagnosisService } from './vibration-diagnosis.service';
import { VibrationPredictController } from './vibration-predict.controller';
import { VibrationPredictService } from './vibration-predict.service';

/** The seed's routes (vibration-data, vibration-diagnosis) and synchronous diagnosis of a signal. */
@Module({
  controllers: [VibrationDataController, VibrationDiagnosisController, VibrationPredictController],
  providers: [VibrationDataService, VibrationDiagnosisService, VibrationPredictService],
})
export class VibrationModule {}

import { Module } from '@nestjs/common';
import { VibrationDataController } from './vibration-data.controller';
import { VibrationDataRepository } from './vibration-data.repository';
import { VibrationDataService } from './vibration-data.service';
import { VibrationDiagnosisController } from './vibration-diagnosis.controller';
import { VibrationDiagnosisRepository } from './vibration-diagnosis.repository';
import { VibrationDiagnosisService } from './vibration-diagnosis.service';

/** The seed's routes: vibration-data and vibration-diagnosis. */
@Module({
  controllers: [VibrationDataController, VibrationDiagnosisController],
  providers: [VibrationDataService, VibrationDataRepository, VibrationDiagnosisService, VibrationDiagnosisRepository],
})
export class VibrationModule {}

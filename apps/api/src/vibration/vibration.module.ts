import { Module } from '@nestjs/common';

/** The seed's routes: vibration-data and vibration-diagnosis. */
@Module({})
export class VibrationModule {}

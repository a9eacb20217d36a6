import { Module } from '@nestjs/common';
import { CapturesController } from './captures.controller';
import { CapturesService } from './captures.service';
import { EquipmentController } from './equipment.controller';
import { EquipmentService } from './equipment.service';
import { LotsController } from './lots.controller';
import { LotsService } from './lots.service';

/** The read API over stored data: equipment, live captures, lots and their process time series (viewer role). */
@Module({
  controllers: [EquipmentController, CapturesController, LotsController],
  providers: [EquipmentService, CapturesService, LotsService],
})
export class QueryModule {}

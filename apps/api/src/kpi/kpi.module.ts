import { Module } from '@nestjs/common';
import { KpiController } from './kpi.controller';
import { KpiService } from './kpi.service';

/** The KPI rollup's read side: KPIs per equipment and period, per lot, and machine health. */
@Module({ controllers: [KpiController], providers: [KpiService] })
export class KpiModule {}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessResponseDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: 3600 }) uptime_s!: number;
}

export class DependencyCheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ example: 3 }) latency_ms!: number;
  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:3306' }) error?: string;
}

export class ReadinessChecksDto {
  @ApiProperty({ type: DependencyCheckDto }) database!: DependencyCheckDto;
  @ApiProperty({ type: DependencyCheckDto }) temporal!: DependencyCheckDto;
}

export class SchedulesStateDto {
  @ApiProperty({
    enum: ['ensured', 'pending', 'disabled'],
    example: 'ensured',
    description: 'ensured: the schedules were created or updated at start; pending: not yet (Temporal unreachable), retried in the background; disabled: ENSURE_SCHEDULES=false',
  })
  status!: 'ensured' | 'pending' | 'disabled';
  @ApiPropertyOptional({ format: 'date-time' }) at?: string;
  @ApiPropertyOptional({ example: '14 UNAVAILABLE: No connection established' }) error?: string;
}

export class TaskQueuePollersDto {
  @ApiProperty({ example: 'him-mes-cpu' }) task_queue!: string;
  @ApiProperty({ enum: ['workflow', 'activity'] }) kind!: 'workflow' | 'activity';
  @ApiProperty({ example: 2, description: 'Workers that polled this queue in the last 90 s' }) pollers!: number;
}

export class ReadinessResponseDto {
  @ApiProperty({
    enum: ['ready', 'degraded'],
    example: 'ready',
    description: 'degraded: the database and Temporal answer, but some task queue has no worker polling it, so jobs of that kind wait',
  })
  status!: 'ready' | 'degraded';
  @ApiPropertyOptional({ example: 'no worker polls him-mes-cpu (activity tasks)' }) reason?: string;
  @ApiProperty({ type: [TaskQueuePollersDto], description: 'Worker presence per task queue (empty when Temporal could not tell)' })
  workers!: TaskQueuePollersDto[];
  @ApiProperty({ example: 'mysql', enum: ['mysql', 'sqlite'] }) database_kind!: string;
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
  @ApiProperty({ type: SchedulesStateDto, description: 'Whether the Temporal Schedules exist yet; does not make the API unready' }) schedules!: SchedulesStateDto;
}

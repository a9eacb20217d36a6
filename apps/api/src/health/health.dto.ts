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

export class ReadinessResponseDto {
  @ApiProperty({ example: 'ready' }) status!: 'ready';
  @ApiProperty({ example: 'mysql', enum: ['mysql', 'sqlite'] }) database_kind!: string;
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}

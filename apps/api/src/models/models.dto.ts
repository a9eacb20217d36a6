import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Min } from 'class-validator';
import { MODEL_SIGNATURES } from '@him/ml';
import { ModelStatus, type ModelVersionRecord } from '@him/db';
import { Optional } from '../common/validation';

const MODEL_NAMES = Object.keys(MODEL_SIGNATURES);

export class ModelNameParams {
  @ApiProperty({ enum: MODEL_NAMES, example: 'vibration-classifier' })
  @IsIn(MODEL_NAMES)
  name!: string;
}

export class ModelListQuery {
  @ApiPropertyOptional({ enum: MODEL_NAMES, description: 'Only the versions of this model' })
  @Optional()
  @IsIn(MODEL_NAMES)
  name?: string;
}

export class ModelVersionParams extends ModelNameParams {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version!: number;
}

export class ModelVersionResponseDto {
  @ApiProperty({ example: 'vibration-classifier' }) name!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ enum: ModelStatus }) status!: ModelStatus;
  @ApiProperty({ example: 'd9eae94c…', description: 'SHA-256 of the ONNX file' }) checksum!: string;
  @ApiProperty({ nullable: true, type: Object, description: 'Evaluation figures recorded with the version' }) metrics!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object }) training_window!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: 'shipped' }) created_by!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) promoted_at!: string | null;
}

export function mapModelVersion(m: ModelVersionRecord): ModelVersionResponseDto {
  return {
    name: m.name,
    version: m.version,
    status: m.status,
    checksum: m.checksum,
    metrics: m.metrics ?? null,
    training_window: m.trainingWindow ?? null,
    created_by: m.createdBy ?? null,
    created_at: m.createdAt.toISOString(),
    promoted_at: m.promotedAt?.toISOString() ?? null,
  };
}

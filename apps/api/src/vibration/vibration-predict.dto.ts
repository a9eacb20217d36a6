import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, Max, Min } from 'class-validator';
import { Optional } from '../common/validation';

/**
 * Largest signal one request may carry: a whole rig recording (140 s at 1.35 kHz ≈ 190,000 samples). The API parses,
 * validates and cuts it into features on its own event loop (ONNX Runtime then runs on its own threads): at this
 * size 0.13–0.22 s at worst, measured on a busy 2-core machine, where 800,000 samples (about what 10 MB of JSON
 * holds) took 0.45–0.55 s.
 */
export const MAX_PREDICT_SAMPLES = 200_000;

export class VibrationPredictDto {
  @ApiPropertyOptional({ example: 1350, minimum: 100, maximum: 100_000, description: 'Samples per second; or send `time` and it is estimated from it' })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(100)
  @Max(100_000)
  sampling_rate_hz?: number;

  @ApiPropertyOptional({ type: [Number], maxItems: MAX_PREDICT_SAMPLES, example: [0, 0.000741, 0.001481], description: 'Seconds of each sample (same length as value)' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_PREDICT_SAMPLES)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  time?: number[];

  @ApiProperty({
    type: [Number],
    minItems: 2,
    maxItems: MAX_PREDICT_SAMPLES,
    example: [0.012, -0.034, 0.051],
    description: 'One vibration signal; at least one window (1 s) of samples',
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_PREDICT_SAMPLES)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  value!: number[];
}

export class PredictedWindowDto {
  @ApiProperty({ example: 0, description: 'Seconds from the first sample' }) start!: number;
  @ApiProperty({ example: 1 }) end!: number;
  @ApiProperty({ example: 1, enum: [0, 1, 2, 3] }) fault_type!: number;
  @ApiProperty({ example: 0.998 }) confidence!: number;
}

export class VibrationPredictionResponseDto {
  @ApiProperty({ example: 1, enum: [0, 1, 2, 3], description: '0 normal, 1 mass unbalance, 2 support looseness, 3 both' }) fault_type!: number;
  @ApiProperty({ example: 'unbalance' }) fault_name!: string;
  @ApiProperty({ example: 0.997, description: 'Probability of fault_type (mean over the windows)' }) confidence!: number;
  @ApiProperty({ type: [Number], example: [0.001, 0.997, 0.001, 0.001], description: 'Mean class probabilities over the windows' }) probabilities!: number[];
  @ApiProperty({ example: 'vibration-classifier@1' }) model_version!: string;
  @ApiProperty({ example: 1350 }) sampling_rate_hz!: number;
  @ApiProperty({ type: [PredictedWindowDto] }) windows!: PredictedWindowDto[];
}

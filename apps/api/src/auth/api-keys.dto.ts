import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, Length, Matches } from 'class-validator';
import { Role, type ApiKey } from '@him/db';

export class ApiKeyCreateDto {
  @ApiProperty({ example: 'line-2-operator', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.@ -]+$', description: 'Who or what uses the key' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w.@ -]+$/, { message: 'name may contain letters, digits, space and . _ @ -' })
  name!: string;

  @ApiProperty({ enum: Role, example: Role.Operator })
  @IsEnum(Role)
  role!: Role;
}

export class ApiKeyResponseDto {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'line-2-operator' }) name!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ example: 'hm_Xk3a9', description: 'First characters of the key' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_used_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) revoked_at!: string | null;
}

export class ApiKeySelfDto {
  @ApiProperty({ example: 'line-2-operator' }) name!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ example: 'hm_Xk3a9', description: 'First characters of the key' }) prefix!: string;
}

export class ApiKeyIssuedResponseDto extends ApiKeyResponseDto {
  @ApiProperty({ description: 'The key itself. Shown only in this response; store it now.' })
  key!: string;
}

export function mapApiKey(k: ApiKey): ApiKeyResponseDto {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}

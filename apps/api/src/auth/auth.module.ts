import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { RateLimiter } from './rate-limiter';

@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeysService, RateLimiter],
  exports: [ApiKeysService, RateLimiter],
})
export class AuthModule {}

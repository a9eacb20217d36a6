import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Role } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { ScheduleBackfillDto, ScheduleBackfillResponseDto, ScheduleIdParams, ScheduleNoteDto, ScheduleResponseDto } from './schedules.dto';
import { MAX_BACKFILL_DAYS, SchedulesService } from './schedules.service';

const UNKNOWN = [404, 'No schedule with this id (the list names them)'] as const;

// Links from a response that names a schedule by its id: after an action, the schedule; from the schedule, the actions.
const SCHEDULE_ID = { id: '$response.body#/id' };
const SCHEDULE_LINK = { schedule: { operationId: 'Schedules_get', parameters: SCHEDULE_ID, description: 'The schedule: paused, next and recent runs' } };
const ACTION_LINKS = {
  trigger: { operationId: 'Schedules_trigger', parameters: SCHEDULE_ID, description: 'Start a run now' },
  pause: { operationId: 'Schedules_pause', parameters: SCHEDULE_ID, description: 'Pause the schedule' },
  unpause: { operationId: 'Schedules_unpause', parameters: SCHEDULE_ID, description: 'Unpause the schedule' },
};

@ApiTags('Schedules')
@ApiKeyAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiOperation({
    summary: 'List the Temporal Schedules (nightly diagnosis sweep, …): when they run, their next and recent runs',
    description:
      'Each schedule with its cron and IANA timezone (SWEEP_CRON, PLANT_TIMEZONE), paused state and note, overlap policy (skip: a run due while the last still runs is not started), ' +
      'catch-up window (SCHEDULE_CATCHUP_WINDOW: runs missed in an outage are taken once when Temporal is back within it), the next five due times and the recent runs with their workflow ids.',
  })
  @ApiOkResponse({ type: [ScheduleResponseDto] })
  @ApiErrorResponses(503)
  list(): Promise<ScheduleResponseDto[]> {
    return this.schedules.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One schedule: cron, timezone, paused, next and recent runs' })
  @ApiOkResponse({ type: ScheduleResponseDto, links: ACTION_LINKS })
  @ApiErrorResponses(400, [...UNKNOWN], 503)
  get(@Param() p: ScheduleIdParams): Promise<ScheduleResponseDto> {
    return this.schedules.get(p.id);
  }

  @Post(':id/trigger')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a run now (operator)',
    description: 'Like a scheduled run, it is skipped when the previous run is still running (overlap policy skip); `counts.skipped_overlap` then grows.',
  })
  @ApiAcceptedResponse({ type: ScheduleResponseDto, links: SCHEDULE_LINK })
  @ApiErrorResponses(400, [...UNKNOWN], 503)
  trigger(@Param() p: ScheduleIdParams, @Req() req: FastifyRequest): Promise<ScheduleResponseDto> {
    return this.schedules.trigger(p.id, req.principal?.name);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a schedule (operator): no run starts until it is unpaused; the note says why and who' })
  @ApiBody({ type: ScheduleNoteDto, required: false })
  @ApiOkResponse({ type: ScheduleResponseDto, links: SCHEDULE_LINK })
  @ApiErrorResponses(400, [...UNKNOWN], 503)
  pause(@Param() p: ScheduleIdParams, @Body() body: ScheduleNoteDto, @Req() req: FastifyRequest): Promise<ScheduleResponseDto> {
    return this.schedules.pause(p.id, body?.note, req.principal?.name);
  }

  @Post(':id/unpause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unpause a schedule (operator); runs missed while paused are not made up (backfill them)' })
  @ApiBody({ type: ScheduleNoteDto, required: false })
  @ApiOkResponse({ type: ScheduleResponseDto, links: SCHEDULE_LINK })
  @ApiErrorResponses(400, [...UNKNOWN], 503)
  unpause(@Param() p: ScheduleIdParams, @Body() body: ScheduleNoteDto, @Req() req: FastifyRequest): Promise<ScheduleResponseDto> {
    return this.schedules.unpause(p.id, body?.note, req.principal?.name);
  }

  @Post(':id/backfill')
  @HttpCode(202)
  @RequireRole(Role.Admin)
  @ApiOperation({
    summary: 'Run the schedule for the due times it had in a past range (admin)',
    description:
      `Every time in [from, to] the schedule’s cron matches starts a run, oldest first and one after another (overlap buffer_all), with that time as its scheduled time. ` +
      `from must be before to, to not in the future, the range at most ${MAX_BACKFILL_DAYS} days. A paused schedule is refused with 409: unpause it first.`,
  })
  @ApiAcceptedResponse({ type: ScheduleBackfillResponseDto, links: SCHEDULE_LINK })
  @ApiErrorResponses(
    [400, `Invalid body, from not before to, to in the future, or a range over ${MAX_BACKFILL_DAYS} days`],
    [403, 'Needs the admin role'],
    [...UNKNOWN],
    [409, 'The schedule is paused'],
    503,
  )
  backfill(@Param() p: ScheduleIdParams, @Body() body: ScheduleBackfillDto, @Req() req: FastifyRequest): Promise<ScheduleBackfillResponseDto> {
    return this.schedules.backfill(p.id, body.from, body.to, req.principal?.name);
  }
}

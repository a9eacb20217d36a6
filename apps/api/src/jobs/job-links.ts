import { ApiAcceptedResponse, type LinkObject } from '@nestjs/swagger';
import { JobStartedResponseDto } from './jobs.dto';

/**
 * OpenAPI links from a response that names a job by its workflow id: its status, and cancelling it. Clients and
 * Schemathesis' stateful phase follow them. Operation ids are `<Controller>_<method>` (app.factory.ts);
 * test/unit/openapi-document.spec.ts fails when a link names an operation, parameter or field that does not exist.
 */
export const JOB_LINKS = {
  job: {
    operationId: 'Jobs_get',
    parameters: { workflow_id: '$response.body#/workflow_id' },
    description: 'The job: progress while it runs, then its result or error',
  },
  cancelJob: {
    operationId: 'Jobs_cancel',
    parameters: { workflow_id: '$response.body#/workflow_id' },
    description: 'Request cancellation of the job',
  },
} satisfies Record<string, LinkObject>;

/** The 202 of a route that starts a job, linked to the job. */
export const ApiJobStartedResponse = (links: Record<string, LinkObject> = JOB_LINKS): MethodDecorator & ClassDecorator =>
  ApiAcceptedResponse({ type: JobStartedResponseDto, links });

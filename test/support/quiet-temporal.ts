// Worker state changes at INFO would drown the test report; warnings and errors still show.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this jest worker by an earlier test file.
}

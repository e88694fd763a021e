// One signal per GraphQL operation, which its REST calls share: aborted with reason "deadline" when the
// operation's time (graphql.operationTimeout) is spent, whatever level of calls it is on, and with
// "cancelled" when its client goes away before the answer is sent. The calls in flight end, and no
// further call starts.
import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';

export function operationSignal(res: ServerResponse | undefined, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  // Every call in flight listens to it; an operation may have more than the default ten at once.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort('deadline'), timeoutMs);
  if (res) {
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort('cancelled');
    });
  } else {
    timer.unref(); // no response to end it (an in-process fetch): the timer alone must not hold the process
  }
  return controller.signal;
}

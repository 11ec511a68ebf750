import type { ServerContext } from '../context.ts';
import { deliverDue } from './webhook-dispatcher.ts';

/** Often enough that an andon board hears of a line stop well within a second. */
const PUMP_INTERVAL_MS = 200;

export interface IntegrationPump {
  stop(): Promise<void>;
}

/** Something that wants each new round of the pump (the MQTT publisher). */
export type PumpStep = (context: ServerContext) => Promise<unknown>;

/**
 * Moves what the integration tables hold to the outside: due webhook deliveries, and any
 * further steps (MQTT). One round at a time; a failed round is logged and the next one
 * tries again, so a database hiccup never stops integration for good.
 */
export function startIntegrationPump(
  context: ServerContext,
  steps: readonly PumpStep[] = [],
): IntegrationPump {
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = async () => {
    for (const step of [deliverDue, ...steps]) {
      if (stopped) return;
      await step(context).catch((error: unknown) =>
        context.log.warn({ err: error }, 'integration round failed'),
      );
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = round().finally(() => (running = undefined));
  }, PUMP_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

import mqtt, { type MqttClient } from 'mqtt';
import type { IntegrationEvent } from '#core/api/integration.ts';
import type { ServerContext } from '../context.ts';
import { readIntegrationEvents } from './integration-events.ts';
import type { PumpStep } from './integration-pump.ts';

const BATCH = 500;

/** One topic level: MQTT forbids '/', '+' and '#' inside a level; empty means unknown. */
const level = (text: string | null, fallback: string) =>
  text ? text.replace(/[/+#\s]/g, '_') : fallback;

/**
 * The Unified Namespace layout (docs/integration.md):
 * `ordertrace/<plant>/<line>/<station or "server">/<event kind>`.
 */
export const topicOf = (event: IntegrationEvent): string =>
  [
    'ordertrace',
    level(event.plant, '_'),
    level(event.line, '_'),
    level(event.station, 'server'),
    event.kind,
  ].join('/');

export interface MqttPublisher {
  step: PumpStep;
  close(): Promise<void>;
}

/**
 * Publish every new integration event to the broker at QoS 1, and keep each station's
 * line state retained (`…/<station>/line_state`) so an andon board that connects later
 * sees the line stopped at once. Starts at the feed's head: MQTT is for what happens
 * now; the change feed and webhooks are for what must not be missed. The client
 * reconnects by itself; a publish never waits for the broker, so a broker that is away
 * never holds up webhooks.
 */
export async function startMqttPublisher(
  context: ServerContext,
  url: string,
): Promise<MqttPublisher> {
  const client: MqttClient = mqtt.connect(url, {
    clientId: `ordertrace-server-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
  });
  client.on('error', (error) => context.log.warn({ err: error }, 'MQTT broker error'));
  let cursor = await latestSeq(context);
  const publish = (topic: string, payload: unknown, retain = false) =>
    client.publish(topic, JSON.stringify(payload), { qos: 1, retain }, (error) =>
      context.metrics.mqttPublished.inc({ outcome: error ? 'failed' : 'published' }),
    );
  return {
    async step() {
      const page = await readIntegrationEvents(context.storage.db, cursor, BATCH);
      for (const event of page.events) {
        publish(topicOf(event), event);
        if (event.kind === 'line.stopped' || event.kind === 'line.cleared') {
          const state = topicOf(event).replace(/[^/]+$/, 'line_state');
          publish(
            state,
            { stopped: event.kind === 'line.stopped', at: event.at, order: event.order },
            true,
          );
        }
      }
      cursor = page.cursor;
    },
    close: () => client.endAsync(),
  };
}

async function latestSeq(context: ServerContext): Promise<number> {
  const row = await context.storage.db
    .selectFrom('integration_events')
    .select((eb) => eb.fn.max<number | null>('id').as('head'))
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

import { z } from 'zod';
import type { ProblemKind } from './problems.ts';
import type { RejectionKind } from './sync.ts';

/*
 * Sentences the server writes for people (issue 16), by message key with parameters, as the
 * station's verdicts are: an exception's description, a refusal the portal shows. The API
 * keeps the English sentence (`description`, `error.message`) for logs and integrators and
 * sends `messageKey` and `params` beside it; the screens translate the key into the reader's
 * language (portal/src/lib/i18n, whose catalogs carry every key here, with the same
 * placeholders). One table, so the English the API sends and the key never drift apart.
 */
export const SERVER_MESSAGES = {
  'msg.receipt_rejected': 'Customer rejected package {package}: {reason}',
  'msg.not_applied.event_rejected':
    'Station {station}, event {seq} ({event}) not applied: {reason}',
  'msg.not_applied.out_of_scope': 'Station {station}, event {seq} ({event}) not applied: {reason}',
  'msg.not_applied.clock_skew': 'Station {station}, event {seq} ({event}) not applied: {reason}',
  'msg.not_applied.unknown_badge': 'Station {station}, event {seq} ({event}) not applied: {reason}',
  'msg.line_stop': 'Line stopped at {station}: scanned {scanned} ({reason})',
  'msg.override.progress':
    '{units} unit(s) reported through {step} with materials missing at {station}, overridden by supervisor {supervisor} (badge {badge}): {reason}',
  'msg.override.package':
    'Package {number} closed as the last one with units or materials missing at {station}, overridden by supervisor {supervisor} (badge {badge}): {reason}',
  'msg.customer_problem.damaged': 'Customer reported damaged: {description} (photos: {photos})',
  'msg.customer_problem.missing_item':
    'Customer reported missing item: {description} (photos: {photos})',
  'msg.customer_problem.wrong_item':
    'Customer reported wrong item: {description} (photos: {photos})',
  'msg.customer_problem.other': 'Customer reported other: {description} (photos: {photos})',
  'msg.product_retired':
    'Product {product} ({name}) is retired and no longer sold; choose another product.',
  'msg.line_product_retired':
    'Line {line}: product {product} ({name}) is retired and no longer sold; choose another product.',
  'msg.product_unknown': 'Product {product} is not in the catalog.',
  'msg.line_product_unknown': 'Line {line}: product {product} is not in the catalog.',
} as const satisfies Record<string, string>;

export type ServerMessageKey = keyof typeof SERVER_MESSAGES;
export const SERVER_MESSAGE_KEYS = Object.keys(SERVER_MESSAGES) as [
  ServerMessageKey,
  ...ServerMessageKey[],
];
export type MessageParams = Record<string, string | number>;

export const messageParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));

/** `messageKey` and `params` beside an English `description` (null key: English only, older rows). */
export const saidFields = {
  messageKey: z.string().nullable(),
  params: messageParamsSchema,
};

/** A sentence for people: its key, its parameters, and the English the API also sends. */
export interface ServerMessage {
  key: ServerMessageKey;
  params: MessageParams;
}

/**
 * A parameter `x` may come with `xZh`, its Chinese form (a product's name, say): a Chinese
 * screen shows that one when it is not empty. English keeps `x`.
 */
/** The English sentence of a message (what `description` and `error.message` carry). */
export const englishOf = ({ key, params }: ServerMessage): string =>
  SERVER_MESSAGES[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );

export const notAppliedKey = (kind: RejectionKind): ServerMessageKey => `msg.not_applied.${kind}`;
export const customerProblemKey = (kind: ProblemKind): ServerMessageKey =>
  `msg.customer_problem.${kind}`;

import type { Generated } from 'kysely';

/*
 * The server's tables as Kysely sees them. Both SQLite and PostgreSQL store times as ISO-8601
 * text and structured data as JSON text, so one set of queries serves both and values
 * round-trip identically.
 */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  /** When the session was last used, to the minute (the idle timeout counts from it). */
  last_seen_at: string;
}

export interface ProductsTable {
  id: string;
  code: string;
  name_en: string;
  name_zh: string;
  description_en: string;
  description_zh: string;
  /** JSON object of attribute → string | number. */
  attributes: string;
  /** Everything searchable in one lowercased string (the PostgreSQL trigram index is on it). */
  search_text: string;
  created_at: string;
  created_by: string | null;
  /** When the product was last changed (created, edited, retired or restored). */
  updated_at: string;
  /** Retired: no longer sold (refused on new orders), still shown on the orders that had it. */
  retired_at: string | null;
}

export interface BomItemsTable {
  id: string;
  product_id: string;
  position: number;
  resource_type: string;
  /** The resource type's Chinese name; '' when none was given (screens show the English one). */
  resource_type_zh: string;
  material_name: string;
  /** The material's Chinese name; '' when none was given (screens show the English one). */
  material_name_zh: string;
  quantity_per_unit: number;
  step: string;
  /** The step's Chinese name; '' when none was given. */
  step_zh: string;
}

export interface LinesTable {
  id: string;
  name: string;
  plant: string;
  /** JSON of core's LineRules (replicated to the line's stations). */
  rules: string;
}

export interface OrdersTable {
  id: string;
  /** Issued when the order is confirmed. */
  code: string | null;
  customer_id: string;
  state: string;
  held_from: string | null;
  customer_reference: string;
  ship_to: string;
  carrier: string;
  line_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  position: number;
  quantity: number;
  /** The product this line is for, once known. */
  product_id: string | null;
  /** The product the customer named as "similar", with their description of the differences. */
  similar_product_id: string | null;
  differences: string;
  /** JSON array of candidate products the server offered ({code, score}). */
  candidates: string;
}

/** The conversation on an order: messages, proposals for a line, the customer's answers. */
export interface OrderMessagesTable {
  id: string;
  order_id: string;
  /** The order line it is about (proposals and answers), or null. */
  position: number | null;
  kind: 'message' | 'proposal' | 'accepted' | 'declined';
  text: string;
  /** The product proposed. */
  product_id: string | null;
  /** The proposal an answer answers. */
  proposal_id: string | null;
  author_id: string | null;
  author_name: string;
  author_role: string;
  created_at: string;
}

export interface StationsTable {
  id: string;
  name: string;
  role: string;
  line_id: string;
  enrollment_code_hash: string | null;
  enrollment_expires_at: string | null;
  token_hash: string | null;
  enrolled_at: string | null;
  revoked_at: string | null;
  last_seen_at: string | null;
  outbox_depth: number | null;
  created_at: string;
}

export interface ResourcesTable {
  code: string;
  order_id: string;
  serial: number;
  resource_type: string;
  material_name: string;
  material_name_zh: string;
  step: string;
  step_zh: string;
  consumed_at: string | null;
  consumed_by: string | null;
  consumed_event_id: string | null;
}

export interface UnitsTable {
  code: string;
  order_id: string;
  serial: number;
  package_code: string | null;
}

export interface PackagesTable {
  code: string;
  order_id: string;
  serial: number;
  package_count: number;
  sscc: string | null;
  closed_at: string | null;
  dispatched_at: string | null;
  dispatched_by: string | null;
  receipt: string | null;
  receipt_reason: string | null;
  receipt_at: string | null;
}

export interface ProgressTable {
  order_id: string;
  step: string;
  units_done: number;
  units_ordered: number;
  updated_at: string;
}

export interface EventsTable {
  id: string;
  station_id: string;
  seq: number;
  payload_hash: string;
  type: string;
  order_code: string | null;
  verdict: string | null;
  /** The whole event as the station sent it (JSON). */
  body: string;
  operator: string | null;
  station_time: string;
  server_time: string;
  /** `applied`, or `rejected` (stored as a fact, not applied: `rejection` says why). */
  outcome: string;
  rejection: string | null;
}

/** A station's acknowledgement: its events 1..acked_through are all stored (0007-station-acks). */
export interface StationAcksTable {
  station_id: string;
  acked_through: number;
  /** The highest sequence held; above acked_through only while a gap waits to be filled. */
  highest_seq: number;
}

export interface ExceptionsTable {
  id: string;
  kind: string;
  order_code: string | null;
  station_id: string | null;
  event_id: string | null;
  /** The station's sequence number of the event this is about. */
  station_seq: number | null;
  description: string;
  /** core/api/messages.ts: the description by key ('' on rows from before) and its JSON params. */
  message_key: string;
  message_params: string;
  status: string;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

export interface ProblemReportsTable {
  id: string;
  order_id: string;
  customer_id: string;
  kind: string;
  description: string;
  exception_id: string;
  created_at: string;
}

export interface ProblemPhotosTable {
  id: string;
  report_id: string;
  position: number;
  content_type: string;
  bytes: Buffer;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  detail: string;
}

export interface ChangeLogTable {
  /** The sync cursor: increasing; readers stop at the settled id (replication/settled-ids.ts). */
  id: Generated<number>;
  /** Null means every line / every role. */
  line_id: string | null;
  role: string | null;
  entity: string;
  entity_key: string;
  op: string;
  data: string | null;
  at: string;
}

/** Operator and supervisor badges that stations accept (replicated to every station). */
export interface BadgesTable {
  /** How lists and the audit log name the badge: the code is a credential, shown once. */
  id: string;
  code: string;
  name: string;
  role: string;
  created_at: string;
  revoked_at: string | null;
}

/** A plant's own label template for one kind (JSON, validated by core's template schema). */
export interface LabelTemplatesTable {
  kind: string;
  template: string;
  updated_at: string;
  updated_by: string;
}

export interface ReplicaCurrentTable {
  entity: string;
  entity_key: string;
  line_id: string | null;
  role: string | null;
  change_id: number;
  op: string;
  data: string | null;
}

export interface SyncHorizonTable {
  id: number;
  horizon: number;
  compacted_at: string;
}

/** The change feed: what integrators read by cursor, webhooks carry and MQTT publishes. */
export interface IntegrationEventsTable {
  id: Generated<number>;
  kind: string;
  order_code: string | null;
  plant: string | null;
  line: string | null;
  station: string | null;
  at: string;
  /** JSON object: what the event kind carries. */
  data: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event kinds. */
  events: string;
  /** Signs deliveries (HMAC-SHA256); stored as is, since signing needs it. */
  secret: string;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
}

/** The webhook outbox and delivery log: one row per subscription and event. */
export interface WebhookDeliveriesTable {
  /** The idempotency id a receiver sees (Ordertrace-Delivery); a replay keeps it. */
  id: string;
  webhook_id: string;
  event_id: number;
  kind: string;
  body: string;
  /** pending, delivered, failed (gave up). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** Which sender's id became which order: intake is idempotent by external id. */
export interface OrderIntakeTable {
  external_id: string;
  order_id: string;
  created_at: string;
  created_by: string;
}

/** An SSCC reference block handed to a packing station (null station: the server's own). */
export interface SsccBlocksTable {
  company_prefix: string;
  first_reference: number;
  count: number;
  station_id: string | null;
  granted_at: string;
  /** 1: reported by a station, unknown to this (restored) database. */
  adopted: number;
}

/** A creating request's answer, kept under its caller's Idempotency-Key (migration 0009). */
export interface IdempotencyKeysTable {
  /** `user:<id>` or `station:<id>`: keys are the caller's own. */
  caller: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  fingerprint: string;
  status: number;
  /** The answer's JSON, byte for byte as first sent. */
  body: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  idempotency_keys: IdempotencyKeysTable;
  order_intake: OrderIntakeTable;
  integration_events: IntegrationEventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  replica_current: ReplicaCurrentTable;
  sync_horizon: SyncHorizonTable;
  badges: BadgesTable;
  users: UsersTable;
  sessions: SessionsTable;
  products: ProductsTable;
  bom_items: BomItemsTable;
  lines: LinesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_messages: OrderMessagesTable;
  stations: StationsTable;
  resources: ResourcesTable;
  units: UnitsTable;
  packages: PackagesTable;
  progress: ProgressTable;
  events: EventsTable;
  station_acks: StationAcksTable;
  exceptions: ExceptionsTable;
  problem_reports: ProblemReportsTable;
  problem_photos: ProblemPhotosTable;
  audit_log: AuditLogTable;
  change_log: ChangeLogTable;
  label_templates: LabelTemplatesTable;
  sscc_blocks: SsccBlocksTable;
}

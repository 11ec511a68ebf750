/*
 * How our things are named in EPCIS. Our codes are not GS1 keys (no GS1 company prefix, our
 * own alphabet and check character), so they cannot be EPC URIs; EPCIS 2.0 lets any URI
 * name an object, so they become URNs in our own namespace
 * (docs/decisions/0004-epcis-identifiers.md). An SSCC *is* a GS1 key: it is written as a
 * GS1 Digital Link URI, which EPCIS 2.0 accepts wherever an EPC goes and which needs no
 * company prefix length — an EPC URI (`urn:epc:id:sscc:…`) would, and the server does not
 * know it.
 */

/** The JSON-LD prefix of our extension fields (EPCIS 2.0: user extensions by namespace). */
export const EXTENSION_PREFIX = 'ordertrace';
export const EXTENSION_NAMESPACE = 'urn:ordertrace:epcis:';

export const EPCIS_CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { [EXTENSION_PREFIX]: EXTENSION_NAMESPACE },
];

/** An extension field name, compact IRI form: `ordertrace:verdict`. */
export const ext = (name: string) => `${EXTENSION_PREFIX}:${name}`;

export const codeUri = (code: string) => `urn:ordertrace:code:${code}`;

export const ssccUri = (sscc: string) => `https://id.gs1.org/00/${sscc}`;

/** A package: by its SSCC where it has one (what a GS1 partner can resolve), else our code. */
export const packageUri = (code: string, sscc: string | null) =>
  sscc ? ssccUri(sscc) : codeUri(code);

/** The read point is the station that decided (EPCIS 2.0 "where" dimension). */
export const stationUri = (stationId: string) =>
  `urn:ordertrace:station:${encodeURIComponent(stationId)}`;

/** The business location is the production line. */
export const lineUri = (line: string) => `urn:ordertrace:line:${encodeURIComponent(line)}`;

/**
 * One transformation per order: its TransformationEvents share this (EPCIS 2.0 §7.4.6
 * TransformationEvent).
 */
export const transformationUri = (orderCode: string) =>
  `urn:ordertrace:transformation:${orderCode}`;

/** Station events keep their UUIDv7 as event ID; derived events get a stable URN. */
export const stationEventUri = (id: string) => `urn:uuid:${id}`;
export const derivedEventUri = (code: string, what: string) =>
  `urn:ordertrace:event:${code}:${what}`;

/** The eventTimeZoneOffset EPCIS requires on every event, from the time's own offset. */
export function timeZoneOffset(iso: string): string {
  const match = /([+-]\d{2}:\d{2})$/.exec(iso);
  return match?.[1] ?? '+00:00';
}

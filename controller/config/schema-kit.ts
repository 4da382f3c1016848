/**
 * The few builders the site and profile schemas need beyond TypeBox's own,
 * so that the JSON Schema they give is the one ajv checks and editors read:
 * enums stay `enum` (one clear message), unions with a tag stay `oneOf` with
 * ajv's discriminator, and maps stay `additionalProperties`.
 */
import {
  type SchemaOptions,
  type Static,
  type TObject,
  type TSchema,
  type TUnion,
  type TUnsafe,
  Type,
} from '@sinclair/typebox';

export const Enum = <const T extends readonly (string | number)[]>(values: T, options?: SchemaOptions) =>
  Type.Unsafe<T[number]>({ enum: values, ...options });

export const Const = <const T extends string | number | boolean>(value: T, options?: SchemaOptions) =>
  Type.Unsafe<T>({ const: value, ...options });

export const OneOf = <T extends TSchema[]>(schemas: [...T], options?: SchemaOptions): TUnsafe<Static<TUnion<T>>> =>
  Type.Unsafe<Static<TUnion<T>>>({ oneOf: schemas, ...options });

export const Dict = <T extends TSchema>(values: T, options?: SchemaOptions): TUnsafe<Record<string, Static<T>>> =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: values, ...options });

/** A serial line's framing, as a site file and a device profile write it. */
export const PARITIES = ['none', 'even', 'odd'] as const;
export const DATA_BITS = [7, 8] as const;
export const STOP_BITS = [1, 2] as const;
export const DIRECTIONS = ['in', 'out'] as const;

/** A file or site id. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
/** An id that appears in MQTT topics. */
export const TopicId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: "Used in MQTT topics: no '/', '+' or '#'.",
});
const HHMM = '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$';
/** Days of the week (1 Monday … 7 Sunday) and a time range within each. */
export const Interval = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 })),
    from: Type.String({ pattern: HHMM }),
    to: Type.String({ pattern: HHMM }),
  },
  { additionalProperties: false },
);

/**
 * The schema as ajv and editors take it: plain JSON, with the fields that
 * have a default left out of `required`, since ajv fills them in. In the
 * TypeScript types those fields are present, as they are after loading.
 */
export function jsonSchema(schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const props = o.properties as Record<string, Record<string, unknown>> | undefined;
    if (props && Array.isArray(o.required)) {
      const required = (o.required as string[]).filter((k) => props[k]?.default === undefined);
      if (required.length) o.required = required;
      else delete o.required;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(plain);
  return plain;
}

export type { Static, TObject };
/** How a Modbus point's registers read (drivers/modbus/register-codec.ts). */
export const POINT_TYPES = [
  'bool',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'uint64',
  'int64',
  'float64',
  'bcd16',
  'bcd32',
] as const;
export const BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

/** The site file's `update` section: signed updates from the district. */
import { Type } from '@sinclair/typebox';

export const UpdateSection = Type.Object(
  {
    public_key: Type.Optional(
      Type.String({
        minLength: 1,
        description: "The district's ed25519 update-signing public key (PEM), relative to this file.",
      }),
    ),
    confirm_after_s: Type.Number({
      minimum: 1,
      maximum: 3600,
      default: 60,
      description: 'A new build confirms itself after being healthy and connected to the district this long.',
    }),
    rollback_after_min: Type.Number({
      minimum: 1,
      maximum: 1440,
      default: 10,
      description: 'A new build that has not confirmed itself by then is rolled back.',
    }),
    max_starts: Type.Integer({
      minimum: 1,
      maximum: 20,
      default: 3,
      description: 'Starts a new build may take before it is rolled back.',
    }),
    max_size_mb: Type.Number({ minimum: 1, maximum: 1024, default: 300, description: 'Largest build accepted.' }),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'Signed A/B updates sent by the district over MQTT. Without public_key the gateway refuses every update.',
  },
);

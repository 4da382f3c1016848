/** The site file's `alarm_centre` section: where an emergency press calls for talk-back. */
import { Type } from '@sinclair/typebox';

export const AlarmCentreSection = Type.Optional(
  Type.Object(
    {
      uri: Type.String({
        pattern: '^sip:[^@\\s]+@[0-9.]+(:[0-9]{1,5})?$',
        description: "The police alarm centre's SIP address, e.g. sip:110@10.20.0.5:5060 (UDP).",
      }),
      sip_port: Type.Integer({
        minimum: 1,
        maximum: 65535,
        default: 5062,
        description: "The gateway's own SIP port for these calls (UDP).",
      }),
      local_host: Type.Optional(
        Type.String({
          pattern: '^[0-9.]+$',
          description:
            'The address the centre reaches the gateway on; the one its route to the centre uses when absent.',
        }),
      ),
      from_user: Type.Optional(
        Type.String({ pattern: '^[\\w.-]{1,64}$', description: 'Who the call is from; the gateway id when absent.' }),
      ),
      username: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'For a centre (or its PBX) that asks for digest authentication.',
        }),
      ),
      password_file: Type.Optional(Type.String({ description: 'A secret file (mode 0600) with the password.' })),
      codecs: Type.Array(Type.Union([Type.Literal('PCMA'), Type.Literal('PCMU')]), {
        minItems: 1,
        default: ['PCMA', 'PCMU'],
        description: 'G.711 laws offered, in order of preference.',
      }),
      ring_timeout_s: Type.Integer({ minimum: 5, maximum: 120, default: 30 }),
      max_call_s: Type.Integer({
        minimum: 30,
        maximum: 7200,
        default: 900,
        description:
          'A call still up after this long is ended: a centre that forgot to hang up must not hold the station.',
      }),
      attempts: Type.Integer({
        minimum: 1,
        maximum: 10,
        default: 3,
        description: 'Calls placed for one press while the centre is busy, does not answer or cannot be reached.',
      }),
      redial_s: Type.Integer({ minimum: 1, maximum: 120, default: 10 }),
    },
    {
      additionalProperties: false,
      description: 'An emergency press with a talk-back station calls the alarm centre with two-way G.711 audio.',
    },
  ),
);

/** An emergency button's talk-back station: its microphone, and where the centre's voice is played. */
export const TalkbackStation = Type.Optional(
  Type.Object(
    {
      microphone: Type.String({
        description: "The camera (or IP intercom, as a camera) whose RTSP audio is the station's microphone.",
      }),
      speaker: Type.Optional(
        Type.Object(
          {
            address: Type.String({
              pattern: '^[0-9.]+:[0-9]{1,5}$',
              description: "The station speaker's RTP paging input, host:port.",
            }),
            codec: Type.Union([Type.Literal('PCMU'), Type.Literal('PCMA')], { default: 'PCMU' }),
          },
          { additionalProperties: false },
        ),
      ),
      pa_zones: Type.Optional(
        Type.Array(Type.String(), {
          minItems: 1,
          description: "PA zones that also play the centre's voice, at announcement priority.",
        }),
      ),
    },
    { additionalProperties: false },
  ),
);

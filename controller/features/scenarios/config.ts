/** The site file's `emergency_buttons` section. */
import { Type } from '@sinclair/typebox';
import { Id } from '../../config/schema-kit.ts';
import { TalkbackStation } from '../talkback/config.ts';

export const EmergencyButtonsSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      camera: Type.String({ description: 'The camera whose digital input the button is wired to.' }),
      input: Type.String({
        description:
          "The input as the camera names it in its events: ONVIF's InputToken (DI_1), Hikvision's AlarmInToken (AlarmIn_1), an Axis port number (1).",
      }),
      cameras: Type.Optional(
        Type.Array(Type.String(), {
          minItems: 1,
          maxItems: 8,
          description:
            "Cameras linked to the button: each one's pre-alarm clip goes with its alarm (GB/T 29315 asks for at least two). The button's own camera when absent.",
        }),
      ),
      talkback: TalkbackStation,
    },
    { additionalProperties: false },
  ),
  { default: [] },
);

/** The site file's `emergency_buttons` section. */
import { Type } from '@sinclair/typebox';
import { Id } from '../../config/schema-kit.ts';

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
    },
    { additionalProperties: false },
  ),
  { default: [] },
);

/** The site file's `emergency_buttons` section. */
import { Type } from '@sinclair/typebox';
import { Id } from '../../config/schema-kit.ts';

export const EmergencyButtonsSection = Type.Array(
  Type.Object(
    {
      id: Id,
      name: Type.String(),
      camera: Type.String({ description: 'The camera whose digital input the button is wired to.' }),
      input: Type.String({ description: 'The input token, e.g. DI_1.' }),
    },
    { additionalProperties: false },
  ),
  { default: [] },
);

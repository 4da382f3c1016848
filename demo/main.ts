// A simulated school from the checkout: `npm run demo`. Not part of the gateway binary.
import { demo } from './demo.ts';

process.exitCode = await demo(process.argv.slice(2));

/** The Graph emulator's public surface for tests, the CLI and the local sandbox (`npm run dev`). */
import path from 'node:path';

export { startGraphEmulator, GraphEmulator } from './server';
export type { GraphEmulatorOptions, RecordedRequest } from './server';
export { Gate, FaultPlan } from './faults';
export type { FaultAction, FaultRule, RouteName } from './faults';
export { EmulatorState, GraphFailure } from './state';
export type { SentMail } from './state';
export { loadSeed, validateSeed, PHONE_TYPE_IDS, PASSWORD_METHOD_ID, DEFAULT_TAP_POLICY } from './seed';
export type { SeedDirectory, SeedUser, SeedGroup, SeedMethod, TapPolicy } from './seed';
export { ensureEmulatorCertificate, readEmulatorCertificate, CERT_PATH, KEY_PATH } from './ensure-cert';

/** The directory `npm run dev` and `npm run graph:emulator` use by default. */
export const DEMO_DIRECTORY_PATH = path.join(__dirname, 'demo-directory.json');

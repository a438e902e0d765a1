import restify from 'restify';
import { startEmulator, rawToken } from './graph-test-kit';

/**
 * restify patches http.ServerResponse for the whole process (its writeHead returns undefined), and
 * the bot, its tests and the emulator share a process. The emulator must still answer.
 */
describe('the Graph emulator in a process that loaded restify', () => {
  it('answers after a restify server has been created', async () => {
    const server = restify.createServer();
    const emulator = await startEmulator();
    try {
      expect(await rawToken(emulator)).toMatch(/^eyJ/);
    } finally {
      await emulator.close();
      server.close();
    }
  });
});

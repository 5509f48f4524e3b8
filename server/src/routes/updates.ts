import { existsSync, statSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors';

/**
 * The kiosks' auto-update feed: electron-updater's generic provider reads `<server>/updates/
 * latest.yml` (and `latest-linux.yml`) and downloads the installer and its blockmap from the same
 * folder, with Range requests for differential downloads. @fastify/static serves the folder with
 * Range, ETag and Last-Modified, and refuses paths outside it and dotfiles.
 */
export function updatesRoutes(updatesDir: string | undefined) {
  return async (app: FastifyInstance) => {
    if (!updatesDir) {
      app.get('/updates/*', async () => {
        throw new HttpError(
          404,
          'not_found',
          'This server does not serve kiosk updates: set UPDATES_DIR to the folder holding latest.yml and the installers.',
        );
      });
      return;
    }
    if (!existsSync(updatesDir) || !statSync(updatesDir).isDirectory()) {
      throw new Error(`UPDATES_DIR ${updatesDir} is not a folder.`);
    }
    await app.register(fastifyStatic, {
      root: updatesDir,
      prefix: '/updates/',
      decorateReply: false,
      index: false,
      list: false,
      dotfiles: 'deny',
      // The feed changes when a release is published: kiosks must not keep a stale latest.yml.
      cacheControl: true,
      maxAge: 0,
    });
  };
}

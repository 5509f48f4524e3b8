import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../../..');

/** A stand-in for the built renderer: the real index.html (with its CSP meta) and one script. */
export function fakeRenderer(): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'kiosk-renderer-'));
  const dir = join(base, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), readFileSync(join(repoRoot, 'src/renderer/index.html')));
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with any headers (fetch refuses to set Host), straight to 127.0.0.1:port. */
export function rawRequest(
  port: number,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, setHost: !('host' in headers) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function tokenOf(html: string): string {
  const token = /<meta name="kiosk-host-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('The served page carries no kiosk token.');
  return token;
}

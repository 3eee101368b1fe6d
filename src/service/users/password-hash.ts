import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const keyLength = 32;
const blockSize = 8;
const parallelism = 1;

/**
 * scrypt, a memory-hard KDF from Node's own crypto (no native add-on to build). The result is a
 * PHC-style string that carries its own parameters, so the cost can be raised later and old
 * hashes still verify.
 */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, 2 ** logN);
  return `$scrypt$ln=${logN},r=${blockSize},p=${parallelism}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (match === null) return false;
  const [, logN, r, p, salt, expected] = match as unknown as [string, string, string, string, string, string];
  const expectedKey = Buffer.from(expected, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), 2 ** Number(logN), Number(r), Number(p), expectedKey.length);
  return timingSafeEqual(key, expectedKey);
}

function derive(password: string, salt: Buffer, N: number, r = blockSize, p = parallelism, length = keyLength): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) would refuse the costs we want.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

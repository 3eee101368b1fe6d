import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * How new passwords are hashed. argon2id is OWASP's first choice; scrypt is what earlier versions
 * stored, and stays selectable. Either way the result is a PHC string (`$id$params$salt$hash`)
 * that carries its own algorithm and cost, so `verifyPassword` needs no setting: a hash stored
 * under older settings, or with the other algorithm, still verifies.
 */
export type HashParams = { algorithm: 'argon2id'; memoryKiB: number; timeCost: number; parallelism: number } | { algorithm: 'scrypt'; logN: number };

/** OWASP's minimum for argon2id: m = 19 MiB, t = 2, p = 1. */
export const owaspArgon2id: HashParams = { algorithm: 'argon2id', memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

/** One line naming the algorithm and its cost, for logs and bench reports. */
export function describeHashParams(params: HashParams): string {
  return params.algorithm === 'scrypt'
    ? `scrypt N=2^${params.logN}, r=${scryptBlockSize}, p=${scryptParallelism}`
    : `argon2id m=${params.memoryKiB} KiB, t=${params.timeCost}, p=${params.parallelism}`;
}

const scryptKeyLength = 32;
const scryptBlockSize = 8;
const scryptParallelism = 1;

export function hashPassword(password: string, params: HashParams): Promise<string> {
  // NFKC: the same password typed on two keyboards (composed or decomposed accents) is one password.
  const normalized = password.normalize('NFKC');
  if (params.algorithm === 'scrypt') return scryptHash(normalized, params.logN);
  // @node-rs/argon2 defaults to argon2id, v=19, a 16-byte random salt and a 32-byte hash; it runs on libuv's pool.
  return argon2Hash(normalized, { memoryCost: params.memoryKiB, timeCost: params.timeCost, parallelism: params.parallelism });
}

/** True when `password` matches the stored PHC string, whichever supported algorithm wrote it; false for anything malformed. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const normalized = password.normalize('NFKC');
  if (encoded.startsWith('$argon2id$')) return argon2Verify(encoded, normalized).catch(() => false);
  if (encoded.startsWith('$scrypt$')) return scryptVerify(normalized, encoded);
  return false;
}

async function scryptHash(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveScrypt(password, salt, 2 ** logN);
  return `$scrypt$ln=${logN},r=${scryptBlockSize},p=${scryptParallelism}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

async function scryptVerify(password: string, encoded: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (match === null) return false;
  const [, logN, r, p, salt, expected] = match as unknown as [string, string, string, string, string, string];
  const expectedKey = Buffer.from(expected, 'base64url');
  // A truncated hash would compare a few bytes (or none: every password would match).
  if (Number(logN) > 24 || expectedKey.length < 16) return false;
  const key = await deriveScrypt(password, Buffer.from(salt, 'base64url'), 2 ** Number(logN), Number(r), Number(p), expectedKey.length).catch(() => undefined);
  return key !== undefined && timingSafeEqual(key, expectedKey);
}

function deriveScrypt(password: string, salt: Buffer, N: number, r = scryptBlockSize, p = scryptParallelism, length = scryptKeyLength): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) would refuse the costs we want.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

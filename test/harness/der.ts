// Just enough DER (X.690) to issue X.509 certificates (RFC 5280) in tests, for the Sigstore
// contract servers: Node can parse certificates but not make them. Every encoding is the
// canonical one Go's encoding/asn1 writes back, because the CT log's signature (RFC 6962 §3.2)
// covers the certificate re-encoded without its SCT extension, and cosign checks it that way.
import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octetString = (content: Buffer): Buffer => tlv(0x04, content);
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolean = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
/** [n] EXPLICIT, constructed. */
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);

export function objectId(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER, in the fewest bytes (a leading 0 only to keep it positive). */
export function integer(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** A BIT STRING whose bits fill whole bytes (a key or a signature). */
const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));

/** UTCTime, as Go writes it for years 1950–2049: YYMMDDHHMMSSZ. */
function utcTime(date: Date): Buffer {
  const text = date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:T]/g, '')
    .slice(2);
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const ECDSA_WITH_SHA256 = sequence(objectId('1.2.840.10045.4.3.2'));

/** A distinguished name of organisation and common name. */
export function name(organization: string, commonName: string): Buffer {
  return sequence(
    set(sequence(objectId('2.5.4.10'), utf8String(organization))),
    set(sequence(objectId('2.5.4.3'), utf8String(commonName))),
  );
}

export interface Extension {
  oid: string;
  critical?: boolean;
  /** The extension's DER value, which goes inside extnValue's OCTET STRING. */
  value: Buffer;
}

export const extensions = {
  basicConstraintsCA: { oid: '2.5.29.19', critical: true, value: sequence(boolean(true)) },
  /** keyCertSign and cRLSign (bits 5 and 6; one unused bit). */
  keyUsageCA: { oid: '2.5.29.15', critical: true, value: tlv(0x03, Buffer.from([0x01, 0x06])) },
  /** digitalSignature (bit 0; seven unused bits). */
  keyUsageSigning: { oid: '2.5.29.15', critical: true, value: tlv(0x03, Buffer.from([0x07, 0x80])) },
  codeSigning: { oid: '2.5.29.37', value: sequence(objectId('1.3.6.1.5.5.7.3.3')) },
  /** subjectAltName with one uniformResourceIdentifier ([6] IA5String); critical, as the subject is empty. */
  uriSan: (uri: string): Extension => ({
    oid: '2.5.29.17',
    critical: true,
    value: sequence(tlv(0x86, Buffer.from(uri, 'ascii'))),
  }),
} satisfies Record<string, Extension | ((uri: string) => Extension)>;

export interface TbsInput {
  serial: bigint;
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  extensions: Extension[];
}

/** The TBSCertificate, version 3, signed with ECDSA P-256 / SHA-256. */
export function tbsCertificate(input: TbsInput): Buffer {
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const exts = input.extensions.map((e) =>
    sequence(objectId(e.oid), ...(e.critical ? [boolean(true)] : []), octetString(e.value)),
  );
  return sequence(
    explicit(0, integer(2n)),
    integer(input.serial),
    ECDSA_WITH_SHA256,
    input.issuer,
    sequence(utcTime(input.notBefore), utcTime(input.notAfter)),
    input.subject,
    spki,
    explicit(3, sequence(...exts)),
  );
}

export function signCertificate(tbs: Buffer, issuerKey: KeyObject): Buffer {
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(sign('sha256', tbs, issuerKey)));
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** SHA-256 of a key's SubjectPublicKeyInfo: a CT log's or Rekor's log ID, an issuer's key hash. */
export function keyHash(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

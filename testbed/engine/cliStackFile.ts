import * as fs from "fs";
import { parse, stringify } from "yaml";
import { PassphraseSecrets } from "./passphraseSecrets";

/**
 * A stack config file (`Pulumi.<stack>.yaml`) as the Pulumi CLI writes and reads it, for the local engine
 * and for tests: `pulumi config set` stores scalars as strings, secrets as `secure:` values under the
 * stack's `encryptionsalt`; the program receives every value as a string (mappings and lists as JSON) and
 * secrets decrypted and marked secret.
 */
interface StackFileContent {
  encryptionsalt?: string;
  config?: Record<string, unknown>;
  [other: string]: unknown;
}

function read(file: string): StackFileContent {
  return fs.existsSync(file) ? ((parse(fs.readFileSync(file, "utf8")) as StackFileContent | null) ?? {}) : {};
}

function isSecure(v: unknown): v is { secure: string } {
  return !!v && typeof v === "object" && typeof (v as { secure?: unknown }).secure === "string";
}

/**
 * Sets `values` (plain) and `secrets` in `file` the way `pulumi config set [--secret]` does, creating the
 * file and its salt when missing. The other values are rewritten in the CLI's forms too (it rewrites the
 * whole file): top-level scalars become strings, comments are lost.
 */
export function setConfigAsCli(file: string, passphrase: string, values: Record<string, unknown>, secrets: Record<string, string> = {}): void {
  const content = read(file);
  const provider = content.encryptionsalt ? PassphraseSecrets.open(passphrase, content.encryptionsalt) : PassphraseSecrets.create(passphrase);
  const config: Record<string, unknown> = { ...(content.config ?? {}), ...values };
  for (const [k, v] of Object.entries(secrets)) config[k] = { secure: provider.encrypt(v) };
  const asCli = Object.fromEntries(
    Object.keys(config)
      .sort()
      .map((k) => {
        const v = config[k];
        return [k, v === null || typeof v === "object" ? v : String(v)];
      }),
  );
  const out: StackFileContent = { ...content, encryptionsalt: provider.encryptionSalt, config: asCli };
  fs.writeFileSync(file, stringify(out, { lineWidth: 0 }));
}

/** What the CLI gives the program for `file`: every value a string, secrets decrypted and listed. */
export function programConfigOf(file: string, passphrase: string): { config: Record<string, string>; secretKeys: string[] } {
  const content = read(file);
  const entries = Object.entries(content.config ?? {});
  const needsKey = entries.some(([, v]) => isSecure(v));
  if (needsKey && !content.encryptionsalt) throw new Error(`${file}: secure values but no encryptionsalt`);
  const provider = needsKey ? PassphraseSecrets.open(passphrase, content.encryptionsalt!) : undefined;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, v] of entries) {
    if (isSecure(v)) {
      config[k] = provider!.decrypt(v.secure);
      secretKeys.push(k);
    } else config[k] = v !== null && typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return { config, secretKeys };
}

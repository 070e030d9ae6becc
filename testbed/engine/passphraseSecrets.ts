import * as crypto from "crypto";

/**
 * Pulumi's passphrase secrets provider, as the CLI implements it, so that the local engine reads and writes
 * the same `Pulumi.<stack>.yaml` as the real CLI: a key from PBKDF2-SHA256 (1,000,000 rounds, 8-byte salt)
 * over the passphrase; each value AES-256-GCM with a 12-byte nonce, written `v1:<nonce>:<ciphertext+tag>`
 * (base64); the file's `encryptionsalt` is `v1:<salt>:` followed by the encryption of "pulumi", which
 * checks the passphrase.
 */
const ROUNDS = 1_000_000;
const VERIFIER = "pulumi";

export class PassphraseSecrets {
  private constructor(
    private readonly key: Buffer,
    /** The stack file's `encryptionsalt`. */
    readonly encryptionSalt: string,
  ) {}

  /** A new salt, as `pulumi stack init` makes for a passphrase stack. */
  static create(passphrase: string): PassphraseSecrets {
    const salt = crypto.randomBytes(8);
    const key = crypto.pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
    const probe = new PassphraseSecrets(key, "");
    return new PassphraseSecrets(key, `v1:${salt.toString("base64")}:${probe.encrypt(VERIFIER)}`);
  }

  /** The provider of an existing stack file; a wrong passphrase is an error, as with the CLI. */
  static open(passphrase: string, encryptionSalt: string): PassphraseSecrets {
    const [version, salt] = encryptionSalt.split(":");
    if (version !== "v1" || !salt) throw new Error(`unsupported encryptionsalt ${JSON.stringify(encryptionSalt)}: expected v1:<salt>:<verifier>`);
    const key = crypto.pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), ROUNDS, 32, "sha256");
    const secrets = new PassphraseSecrets(key, encryptionSalt);
    let check: string | undefined;
    try {
      check = secrets.decrypt(encryptionSalt.split(":").slice(2).join(":"));
    } catch {
      check = undefined;
    }
    if (check !== VERIFIER) throw new Error("incorrect passphrase: it does not decrypt this stack's encryptionsalt (set PULUMI_CONFIG_PASSPHRASE)");
    return secrets;
  }

  encrypt(plaintext: string): string {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, nonce);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${data.toString("base64")}`;
  }

  decrypt(ciphertext: string): string {
    const [version, nonce, data] = ciphertext.split(":");
    if (version !== "v1" || !nonce || !data) throw new Error("malformed secure value: expected v1:<nonce>:<ciphertext>");
    const bytes = Buffer.from(data, "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  }
}

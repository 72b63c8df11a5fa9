/** A Signer (src/signer.ts) backed by a private key in the HSM. */
import type { DigestAlgorithm, Signer, SigningAlgorithm } from "../signer.ts";
import { HsmError } from "./errors.ts";
import type { HsmClient } from "./hsm-client.ts";
import { algorithmOfSpki } from "./public-key.ts";
import type { SignMechanism } from "./types.ts";

export class HsmSigner implements Signer {
  private constructor(
    private readonly client: HsmClient,
    readonly label: string,
    readonly id: string,
    private readonly privateHandle: string,
    readonly algorithm: SigningAlgorithm,
    readonly spki: Buffer,
  ) {}

  /** Finds the key pair with this label; its public half tells the algorithm. */
  static async forLabel(client: HsmClient, label: string): Promise<HsmSigner> {
    const objects = await client.call("findObjects", { label });
    const priv = objects.filter((o) => o.class === "private");
    const pub = objects.filter((o) => o.class === "public");
    if (priv.length !== 1 || pub.length !== 1) {
      throw new HsmError(
        "HSM_KEY_NOT_FOUND",
        `Expected one key pair labelled "${label}" on the token, found ${priv.length} private and ${pub.length} public keys. Check the token and the label.`,
      );
    }
    const [p, q] = [priv[0]!, pub[0]!];
    const algorithm = await detectAlgorithm(client, q.handle, q.keyType);
    const spki = await client.call("publicKeySpki", q.handle, algorithm);
    return new HsmSigner(client, label, p.id, p.handle, algorithm, spki);
  }

  async sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Buffer> {
    return this.client.call("sign", {
      handle: this.privateHandle,
      mechanism: mechanismFor(this.algorithm, digest),
      data: Buffer.from(data),
      format: "der",
    });
  }
}

export function mechanismFor(algorithm: SigningAlgorithm, digest: DigestAlgorithm): SignMechanism {
  switch (algorithm) {
    case "EC-P256":
    case "EC-P384":
      return digest === "SHA-256" ? "ECDSA-SHA256" : "ECDSA-SHA384";
    case "RSA-3072":
    case "RSA-4096":
      return digest === "SHA-256" ? "RSA-PKCS1-SHA256" : "RSA-PKCS1-SHA384";
    case "Ed25519":
      return "EdDSA";
  }
}

async function detectAlgorithm(client: HsmClient, publicHandle: string, keyType: string): Promise<SigningAlgorithm> {
  // The SPKI of each candidate is built only if the attributes fit it; the first that parses wins.
  const candidates: SigningAlgorithm[] =
    keyType === "RSA" ? ["RSA-4096", "RSA-3072"] : keyType === "EC_EDWARDS" ? ["Ed25519"] : ["EC-P384", "EC-P256"];
  for (const candidate of candidates) {
    try {
      const spki = await client.call("publicKeySpki", publicHandle, candidate);
      if (algorithmOfSpki(spki) === candidate) return candidate;
    } catch (e) {
      // A token that answers with a CKR_ code failed (e.g. was removed): that is no candidate mismatch.
      if (e instanceof HsmError && e.code.startsWith("CKR_")) throw e;
    }
  }
  throw new HsmError("HSM_KEY_UNSUPPORTED", `The key's algorithm (${keyType}) is not one this application signs with.`);
}

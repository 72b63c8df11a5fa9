/**
 * The known answers the token's key-wrap mechanism is tested against are RFC 5649 as our own
 * implementation (src/escrow/key-wrap.ts) and OpenSSL compute it, so a token that matches them
 * produces blobs that `openssl enc -id-aes256-wrap-pad` and any other HSM unwrap.
 */
import { createCipheriv } from "node:crypto";
import { expect, test } from "vitest";
import { wrapKeyWithPadding } from "../../../src/escrow/index.ts";
import { ESCROW_SHAPE_VECTOR, RFC5649_VECTOR } from "../../../src/hsm/key-wrap-choice.ts";

test.each([RFC5649_VECTOR, ESCROW_SHAPE_VECTOR])("$name is RFC 5649 (our implementation and OpenSSL agree)", (v) => {
  expect(Buffer.from(wrapKeyWithPadding(v.kek, v.key)).toString("hex")).toBe(v.wrapped.toString("hex"));
  const cipher = createCipheriv(`id-aes${v.kek.length * 8}-wrap-pad`, v.kek, Buffer.from("A65959A6", "hex"));
  expect(Buffer.concat([cipher.update(v.key), cipher.final()]).toString("hex")).toBe(v.wrapped.toString("hex"));
});

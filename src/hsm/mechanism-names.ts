/**
 * Names of PKCS#11 mechanisms (pkcs11t.h, v2.40 and v3.0) for the preflight table, the
 * transcript's capability profile and docs/hsm-support.md. Numbers not listed are shown in hex;
 * vendor mechanisms (CKM_VENDOR_DEFINED and above) are marked as such.
 */
const NAMES: Record<number, string> = {
  0x0000: "CKM_RSA_PKCS_KEY_PAIR_GEN",
  0x0001: "CKM_RSA_PKCS",
  0x0003: "CKM_RSA_X_509",
  0x0005: "CKM_MD5_RSA_PKCS",
  0x0006: "CKM_SHA1_RSA_PKCS",
  0x0009: "CKM_RSA_PKCS_OAEP",
  0x000d: "CKM_RSA_PKCS_PSS",
  0x000e: "CKM_SHA1_RSA_PKCS_PSS",
  0x0040: "CKM_SHA256_RSA_PKCS",
  0x0041: "CKM_SHA384_RSA_PKCS",
  0x0042: "CKM_SHA512_RSA_PKCS",
  0x0043: "CKM_SHA256_RSA_PKCS_PSS",
  0x0044: "CKM_SHA384_RSA_PKCS_PSS",
  0x0045: "CKM_SHA512_RSA_PKCS_PSS",
  0x0046: "CKM_SHA224_RSA_PKCS",
  0x0047: "CKM_SHA224_RSA_PKCS_PSS",
  0x0220: "CKM_SHA_1",
  0x0250: "CKM_SHA256",
  0x0255: "CKM_SHA224",
  0x0260: "CKM_SHA384",
  0x0270: "CKM_SHA512",
  0x0350: "CKM_GENERIC_SECRET_KEY_GEN",
  0x1040: "CKM_EC_KEY_PAIR_GEN",
  0x1041: "CKM_ECDSA",
  0x1042: "CKM_ECDSA_SHA1",
  0x1044: "CKM_ECDSA_SHA256",
  0x1045: "CKM_ECDSA_SHA384",
  0x1046: "CKM_ECDSA_SHA512",
  0x1050: "CKM_ECDH1_DERIVE",
  0x1055: "CKM_EC_EDWARDS_KEY_PAIR_GEN",
  0x1057: "CKM_EDDSA",
  0x1080: "CKM_AES_KEY_GEN",
  0x1081: "CKM_AES_ECB",
  0x1082: "CKM_AES_CBC",
  0x1085: "CKM_AES_CBC_PAD",
  0x1086: "CKM_AES_CTR",
  0x1087: "CKM_AES_GCM",
  0x1088: "CKM_AES_CCM",
  0x108a: "CKM_AES_CMAC",
  0x2109: "CKM_AES_KEY_WRAP",
  0x210a: "CKM_AES_KEY_WRAP_PAD",
  0x210b: "CKM_AES_KEY_WRAP_KWP",
};

/** Vendor numbers our RFC 5649 wrap table knows (key-wrap-choice.ts); on another vendor's module the number may mean anything. */
const VENDOR_NAMES: Record<number, string> = {
  0x80000171: "Luna CKM_AES_KWP",
  0x8000216f: "CloudHSM CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD",
};

const CKM_VENDOR_DEFINED = 0x80000000;

export function mechanismName(mechanism: number): string {
  const name = NAMES[mechanism];
  if (name) return name;
  const hex = `0x${mechanism.toString(16).toUpperCase().padStart(4, "0")}`;
  if (mechanism < CKM_VENDOR_DEFINED) return hex;
  return VENDOR_NAMES[mechanism] ? `${hex} (vendor: ${VENDOR_NAMES[mechanism]})` : `${hex} (vendor)`;
}

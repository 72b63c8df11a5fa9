/**
 * PKCS#11 constants we use, from the PKCS#11 v2.40 / v3.0 headers (pkcs11t.h). Spelled out here
 * instead of read from pkcs11js so that code outside the worker can use them without loading the
 * native module, and so that v3.0 values pkcs11js lacks (EdDSA) sit next to the rest.
 */
export const CKO = { DATA: 0, PUBLIC_KEY: 2, PRIVATE_KEY: 3, SECRET_KEY: 4 } as const;
export const CKK = { RSA: 0x00, EC: 0x03, GENERIC_SECRET: 0x10, AES: 0x1f, EC_EDWARDS: 0x40 } as const;
export const CKU = { SO: 0, USER: 1 } as const;

export const CKA = {
  CLASS: 0x000,
  TOKEN: 0x001,
  PRIVATE: 0x002,
  LABEL: 0x003,
  VALUE: 0x011,
  KEY_TYPE: 0x100,
  ID: 0x102,
  SENSITIVE: 0x103,
  ENCRYPT: 0x104,
  DECRYPT: 0x105,
  WRAP: 0x106,
  UNWRAP: 0x107,
  SIGN: 0x108,
  VERIFY: 0x10a,
  DERIVE: 0x10c,
  MODULUS: 0x120,
  MODULUS_BITS: 0x121,
  PUBLIC_EXPONENT: 0x122,
  VALUE_LEN: 0x161,
  EXTRACTABLE: 0x162,
  LOCAL: 0x163,
  NEVER_EXTRACTABLE: 0x164,
  ALWAYS_SENSITIVE: 0x165,
  MODIFIABLE: 0x170,
  EC_PARAMS: 0x180,
  EC_POINT: 0x181,
  WRAP_WITH_TRUSTED: 0x210,
  CHECK_VALUE: 0x090,
  APPLICATION: 0x010,
} as const;

export const CKM = {
  RSA_PKCS_KEY_PAIR_GEN: 0x0000,
  SHA256_RSA_PKCS: 0x0040,
  SHA384_RSA_PKCS: 0x0041,
  SHA256_RSA_PKCS_PSS: 0x0043,
  SHA384_RSA_PKCS_PSS: 0x0044,
  SHA256: 0x0250,
  SHA384: 0x0260,
  EC_KEY_PAIR_GEN: 0x1040,
  ECDSA: 0x1041,
  EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  EDDSA: 0x1057,
  AES_KEY_GEN: 0x1080,
  AES_ECB: 0x1081,
  AES_CMAC: 0x108a,
  RSA_PKCS: 0x0001,
  SHA1_RSA_PKCS: 0x0006,
  RSA_PKCS_PSS: 0x000d,
  /** RFC 3394 without padding. */
  AES_KEY_WRAP: 0x2109,
  /**
   * PKCS#11 2.40's "AES key wrap with padding": RFC 5649 on SoftHSM2 and nShield, RFC 3394 over
   * PKCS#7 padding on modules that follow PKCS#11 3.0 (NSS softokn). Used only when proven.
   */
  AES_KEY_WRAP_PAD: 0x210a,
  /** PKCS#11 3.0's name for RFC 5649. */
  AES_KEY_WRAP_KWP: 0x210b,
  /** Thales Luna's CKM_AES_KWP (CKM_VENDOR_DEFINED + 0x171), RFC 5649 per its SDK header. */
  LUNA_AES_KWP: 0x80000171,
  /**
   * AWS CloudHSM Client SDK 5's CKM_CLOUDHSM_AES_KEY_WRAP_ZERO_PAD (cloudhsm_pkcs11_vendor_defs.h),
   * "AES key wrap with zero padding", RFC 5649 by AWS's key-wrapping page. Untested by us.
   */
  CLOUDHSM_AES_KEY_WRAP_ZERO_PAD: 0x8000216f,
} as const;

export const CKG = { MGF1_SHA256: 0x2, MGF1_SHA384: 0x3 } as const;

export const CKF = {
  /** CK_C_INITIALIZE_ARGS.flags: the library may use the OS's own locking. */
  OS_LOCKING_OK: 0x2,
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  TOKEN_PRESENT: 0x1,
  LOGIN_REQUIRED: 0x4,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_INITIALIZED: 0x8,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  SO_PIN_COUNT_LOW: 0x100000,
  SO_PIN_FINAL_TRY: 0x200000,
  SO_PIN_LOCKED: 0x400000,
} as const;

/** DER of the named-curve OIDs used as CKA_EC_PARAMS (RFC 5480 §2.1.1.1, RFC 8410 §3). */
export const EC_PARAMS = {
  "P-256": Buffer.from("06082a8648ce3d030107", "hex"),
  "P-384": Buffer.from("06052b81040022", "hex"),
  Ed25519: Buffer.from("06032b6570", "hex"),
} as const;

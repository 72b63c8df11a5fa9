import { migration001Events } from "./001-events.ts";
import { migration002KeyInventory } from "./002-key-inventory.ts";
import { migration003CrlNumbers } from "./003-crl-numbers.ts";
import { migration004AttestationCredentials } from "./004-attestation-credentials.ts";
import { migration005KeyCopies } from "./005-key-copies.ts";
import { migration006EscrowRevocation } from "./006-escrow-revocation.ts";
import { migration007KeyRotation } from "./007-key-rotation.ts";
import type { Migration } from "./migration.ts";

export type { Migration } from "./migration.ts";

/** In order; MIGRATIONS[i].version === i + 1. */
export const MIGRATIONS: readonly Migration[] = [migration001Events, migration002KeyInventory, migration003CrlNumbers, migration004AttestationCredentials, migration005KeyCopies, migration006EscrowRevocation, migration007KeyRotation];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

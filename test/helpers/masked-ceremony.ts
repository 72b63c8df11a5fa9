/**
 * The `ceremony` command from source, with the ceremony's own HSM session made less capable than
 * the token is (src/hsm/capability-mask.ts): what the terminal offers after a capability error
 * such as CKR_MECHANISM_INVALID, on a real module. The first module load — the preflight — sees
 * the module unmasked; masked, it would refuse the ceremony before anybody signs in, which is the
 * preflight's own test (test/integration/preflight/). So this stands for a token
 * whose refusal the preflight could not see, as a preflight without the PIN cannot run the
 * known-answer tests that need a login.
 *
 *   node --import tsx test/helpers/masked-ceremony.ts MASK_JSON ARGS…
 */
import { main } from "../../src/cli/main.ts";
import type { CapabilityMask } from "../../src/hsm/capability-mask.ts";
import { HsmClient, type HsmClientOptions } from "../../src/hsm/index.ts";

const [maskJson, ...args] = process.argv.slice(2);
const mask = JSON.parse(maskJson ?? "{}") as CapabilityMask;
const open = HsmClient.open.bind(HsmClient);
let loads = 0;
HsmClient.open = (options: HsmClientOptions = {}) => open(++loads === 1 ? options : { ...options, mask });
process.exitCode = await main(args);

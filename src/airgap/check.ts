/**
 * Air-gap check: which non-loopback network interfaces are up, wired or wireless. Read from
 * /sys/class/net on Linux (the laptop's OS), so that an interface that is up without an address
 * still counts; os.networkInterfaces() is the fallback elsewhere.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";

export interface NetworkInterfaceState {
  name: string;
  kind: "wired" | "wireless" | "virtual" | "other";
  up: boolean;
}

export interface AirGapResult {
  checkedAt: string;
  interfacesUp: string[];
  interfaces: NetworkInterfaceState[];
  clear: boolean;
}

export function readInterfaces(sysClassNet = "/sys/class/net"): NetworkInterfaceState[] {
  if (!existsSync(sysClassNet)) {
    return Object.entries(networkInterfaces())
      .filter(([, addrs]) => addrs?.some((a) => !a.internal))
      .map(([name]) => ({ name, kind: "other" as const, up: true }));
  }
  return readdirSync(sysClassNet)
    .filter((name) => name !== "lo")
    .map((name) => {
      const dir = join(sysClassNet, name);
      const read = (f: string): string => {
        try {
          return readFileSync(join(dir, f), "utf8").trim();
        } catch {
          return "";
        }
      };
      const operstate = read("operstate");
      const flags = Number.parseInt(read("flags") || "0", 16);
      // IFF_UP (0x1): administratively up. operstate "unknown" is what many virtual links report while passing traffic.
      const up = operstate === "up" || ((flags & 0x1) === 1 && operstate === "unknown");
      const kind: NetworkInterfaceState["kind"] = existsSync(join(dir, "wireless")) || existsSync(join(dir, "phy80211"))
        ? "wireless"
        : existsSync(join(dir, "device"))
          ? "wired"
          : "virtual";
      return { name, kind, up };
    });
}

export function checkAirGap(now: Date = new Date(), sysClassNet?: string): AirGapResult {
  const interfaces = readInterfaces(sysClassNet);
  const interfacesUp = interfaces.filter((i) => i.up).map((i) => `${i.name} (${i.kind})`);
  return { checkedAt: now.toISOString(), interfacesUp, interfaces, clear: interfacesUp.length === 0 };
}

import type { MouseEvent } from "react";
import { AppHeader } from "./components/app-header.tsx";
import { useHashRoute } from "./routing/use-hash-route.ts";
import { AuditorScreen } from "./screens/auditor/auditor-screen.tsx";
import { EvidenceScreen } from "./screens/auditor/evidence-screen.tsx";
import { CeremonyRoute } from "./screens/ceremony-route.tsx";
import { KeyInventoryScreen } from "./screens/keys/key-inventory-screen.tsx";
import { WitnessRoute } from "./screens/witness/witness-route.tsx";
import { CeremonyProvider } from "./state/ceremony-context.tsx";

export function App() {
  const route = useHashRoute();
  return (
    <CeremonyProvider>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to the screen
      </a>
      <AppHeader route={route.name} />
      <main id="main" tabIndex={-1} className={`route-${route.name}`}>
        {route.name === "witness" ? (
          <WitnessRoute />
        ) : route.name === "auditor" ? (
          <AuditorScreen initialDir={route.params.get("dir")} />
        ) : route.name === "evidence" ? (
          <EvidenceScreen />
        ) : route.name === "keys" ? (
          <KeyInventoryScreen />
        ) : (
          <CeremonyRoute />
        )}
      </main>
    </CeremonyProvider>
  );
}

/** The hash is the router's, so the skip link moves focus instead of navigating. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

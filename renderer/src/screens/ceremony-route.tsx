import { useState } from "react";
import type { VerificationView } from "../../../src/api/contract.ts";
import { useCeremony } from "../state/ceremony-context.tsx";
import { AirGapOverrideScreen } from "./air-gap/air-gap-override-screen.tsx";
import { BlockedScreen } from "./air-gap/blocked-screen.tsx";
import { CeremonyOverScreen } from "./officer/ceremony-over-screen.tsx";
import { OfficerConsole } from "./officer/officer-console.tsx";
import { SignInScreen } from "./sign-in/sign-in-screen.tsx";
import { StartScreen } from "./start/start-screen.tsx";

/** The main window follows the ceremony's phase; a finished one stays on screen until a new start. */
export function CeremonyRoute() {
  const { view } = useCeremony();
  const [startingNew, setStartingNew] = useState(false);
  const [finished, setFinished] = useState<VerificationView | null>(null);

  if (view === undefined) return <p className="loading">Connecting to the ceremony core…</p>;
  const over = view !== null && (view.phase === "completed" || view.phase === "aborted");
  if (view === null || (over && startingNew)) {
    return (
      <StartScreen
        onStarted={() => {
          setStartingNew(false);
          setFinished(null);
        }}
      />
    );
  }
  switch (view.phase) {
    case "sign-in":
      return <SignInScreen />;
    case "air-gap":
      return <AirGapOverrideScreen />;
    case "blocked":
      return <BlockedScreen />;
    case "steps":
    case "ready-to-finish":
      return <OfficerConsole onFinished={setFinished} />;
    case "completed":
    case "aborted":
      return <CeremonyOverScreen verification={finished} onFinished={setFinished} onNewCeremony={() => setStartingNew(true)} />;
  }
}

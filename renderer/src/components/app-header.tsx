import { routeHref, type RouteName } from "../routing/use-hash-route.ts";
import { useCeremony } from "../state/ceremony-context.tsx";

const NAV: Array<{ route: RouteName; label: string }> = [
  { route: "ceremony", label: "Ceremony" },
  { route: "witness", label: "Witness view" },
  { route: "auditor", label: "Auditor" },
  { route: "evidence", label: "Policy evidence" },
  { route: "keys", label: "Key inventory" },
];

const PHASE_TEXT: Record<string, string> = {
  "sign-in": "Sign-in",
  "air-gap": "Air-gap override",
  steps: "Steps",
  "ready-to-finish": "Ready to finish",
  completed: "Completed",
  aborted: "Aborted",
  blocked: "Blocked",
};

export function AppHeader({ route }: { route: RouteName }) {
  const { view } = useCeremony();
  return (
    // On the projector (the witness view) the header is one thin line: the room's eyes go to the step.
    <header className={`app-header${route === "witness" ? " app-header-compact" : ""}`}>
      <div className="app-header-bar">
        <p className="app-name">Ceremony Workstation</p>
        {view ? (
          <p className="app-ceremony">
            <span className="app-ceremony-title">{view.title}</span>
            <span className="app-ceremony-phase">{PHASE_TEXT[view.phase] ?? view.phase}</span>
            <span className="app-ceremony-id">{view.ceremonyId}</span>
          </p>
        ) : null}
        <nav aria-label="Screens">
          <ul className="nav-list">
            {NAV.map((item) => (
              <li key={item.route}>
                <a href={routeHref(item.route)} aria-current={route === item.route ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      {view?.rehearsal ? (
        <p className="rehearsal-banner">
          <strong>REHEARSAL</strong> — throwaway SoftHSM2 token. Nothing made here is a real key; cards are marked REHEARSAL.
        </p>
      ) : null}
    </header>
  );
}

import type { CeremonyView } from "../../../../src/api/contract.ts";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { roleTitle } from "../../../../src/common/roles.ts";
import { useCeremony } from "../../state/ceremony-context.tsx";
import { NamedWitnesses } from "../../components/named-witnesses.tsx";
import { ResumedNote } from "../../components/resumed-note.tsx";
import { WitnessFinished } from "./witness-finished.tsx";
import { StepStrip, WitnessStep } from "./witness-step.tsx";

/**
 * The witnesses' screen (#/witness): for a projector or a second window, in larger type. It
 * follows the ceremony on its own (progress events and polling), so the officer never drives it.
 */
export function WitnessRoute() {
  const { view } = useCeremony();
  if (view === undefined) return <p className="loading">Connecting to the ceremony core…</p>;
  if (view === null) {
    return (
      <div className="screen witness-screen">
        <ScreenHeading eyebrow="Witness view">No ceremony is open</ScreenHeading>
        <p className="lead">This screen follows the ceremony once the officer starts one.</p>
      </div>
    );
  }
  return (
    <div className="screen witness-screen">
      <ResumedNote view={view} />
      <WitnessBody view={view} />
    </div>
  );
}

function WitnessBody({ view }: { view: CeremonyView }) {
  switch (view.phase) {
    case "sign-in":
      return (
        <>
          <ScreenHeading eyebrow={`Witness view · ${view.title}`}>Sign-in in progress</ScreenHeading>
          <ul className="witness-people">
            {view.participants.map((p) => (
              <li key={p.id}>
                {p.name} <span className="muted">— {roleTitle(p.role)}{p.title ? ` (${p.title})` : ""}, {p.organisation}</span>
              </li>
            ))}
          </ul>
          <NamedWitnesses view={view} />
        </>
      );
    case "air-gap":
    case "blocked":
      return (
        <>
          <ScreenHeading eyebrow={`Witness view · ${view.title}`}>The workstation is connected</ScreenHeading>
          <p className="lead">Network interfaces up: {view.airGap?.interfacesUp.join(", ")}.</p>
          <p>
            {view.phase === "blocked"
              ? "The script blocks connected machines. The ceremony must be aborted and started again offline."
              : `Two internal witnesses attest the override at the main screen (${view.airGap?.overrideAttesters.length ?? 0} of 2 so far).`}
          </p>
        </>
      );
    case "steps": {
      const step = view.currentStep === null ? null : view.steps[view.currentStep];
      if (!step) return null;
      return <WitnessStep view={view} step={step} />;
    }
    case "ready-to-finish":
      return (
        <>
          <StepStrip view={view} />
          <ScreenHeading eyebrow={`Witness view · ${view.title}`}>Every step is attested</ScreenHeading>
          <p className="lead">The officer now signs the transcript with the HSM and verifies the bundle.</p>
        </>
      );
    case "completed":
    case "aborted":
      return <WitnessFinished view={view} />;
  }
}


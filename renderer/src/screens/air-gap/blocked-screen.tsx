import { Notice } from "../../components/notice.tsx";
import { ScreenHeading } from "../../components/screen-heading.tsx";
import { useOpenCeremony } from "../../state/ceremony-context.tsx";
import { AbortCeremony } from "../officer/abort-dialog.tsx";

/** The script refuses connected machines: nothing can go on but an abort and a fresh start. */
export function BlockedScreen() {
  const { view } = useOpenCeremony();
  return (
    <div className="screen blocked-screen">
      <ScreenHeading eyebrow={view.title}>The ceremony is blocked: the workstation is connected</ScreenHeading>
      <Notice tone="warning" title={`Network interfaces up: ${view.airGap?.interfacesUp.join(", ") || "unknown"}`}>
        <p>This script does not run on a connected machine. Abort this ceremony, disconnect every network (cables out, wireless off), and start again.</p>
      </Notice>
      <AbortCeremony prominent />
    </div>
  );
}

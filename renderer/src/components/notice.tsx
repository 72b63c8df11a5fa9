import type { ReactNode } from "react";

type Tone = "info" | "success" | "warning";
const SYMBOL: Record<Tone, string> = { info: "ℹ", success: "✔", warning: "⚠" };

/** A boxed message whose meaning is in its words and symbol, not only its colour. */
export function Notice({ tone, title, children, live = false }: { tone: Tone; title: ReactNode; children?: ReactNode; live?: boolean }) {
  return (
    <div className={`notice notice-${tone}`} role={live ? "status" : undefined}>
      <p className="notice-title">
        <span aria-hidden="true">{SYMBOL[tone]} </span>
        {title}
      </p>
      {children}
    </div>
  );
}

import type { ReactNode, Ref } from "react";
import type { ApiError } from "../../../src/api/contract.ts";

export type ShownError = Pick<ApiError, "code" | "message" | "advice" | "adviceText">;

/**
 * A failure in plain words: the core's sentence first, then what the error's advice kind says
 * can be done about it (src/common/advice.ts), and the code small for the log book. `focusRef`
 * makes the notice itself focusable, for a failure whose first thing to do is to read it.
 */
export function ErrorNotice({ error, title = "That did not work", children, focusRef }: { error: ShownError; title?: string; children?: ReactNode; focusRef?: Ref<HTMLDivElement> }) {
  return (
    <div className="notice notice-error" role="alert" ref={focusRef} tabIndex={focusRef ? -1 : undefined}>
      <p className="notice-title">
        <span aria-hidden="true">✖ </span>
        {title}
      </p>
      <p className="notice-message">{error.message}</p>
      <p className={`notice-advice notice-advice-${error.advice}`}>{error.adviceText}</p>
      <p className="notice-code">Error code: {error.code}</p>
      {children ? <div className="button-row">{children}</div> : null}
    </div>
  );
}

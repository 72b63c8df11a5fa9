import type { ReactNode } from "react";
import type { ApiError } from "../../../src/api/contract.ts";

/** A failure in plain words: the core's sentence first, the code small for the log book. */
export function ErrorNotice({ error, title = "That did not work", children }: { error: Pick<ApiError, "code" | "message">; title?: string; children?: ReactNode }) {
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">
        <span aria-hidden="true">✖ </span>
        {title}
      </p>
      <p className="notice-message">{error.message}</p>
      <p className="notice-code">Error code: {error.code}</p>
      {children ? <div className="button-row">{children}</div> : null}
    </div>
  );
}

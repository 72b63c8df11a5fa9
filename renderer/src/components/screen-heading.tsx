import { useEffect, useRef, type ReactNode } from "react";

/**
 * A screen's h1. It takes focus when the screen appears, so a keyboard or screen-reader user
 * starts at the top of the new screen instead of on a button that no longer exists.
 */
export function ScreenHeading({ children, eyebrow, className }: { children: ReactNode; eyebrow?: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <div className={className ? `screen-heading ${className}` : "screen-heading"}>
      {eyebrow ? <p className="eyebrow">{eyebrow}</p> : null}
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
    </div>
  );
}

/** Where the witness view goes: the first display that is not the officer's. */
export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export function pickWitnessDisplay<D extends DisplayLike>(displays: readonly D[], officerDisplayId: number): D | undefined {
  return displays.find((display) => display.id !== officerDisplayId);
}

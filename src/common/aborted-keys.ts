/**
 * A key that an aborted ceremony made: nothing witnessed its use, so it is not active whatever
 * its rotation date says. What to do is the same sentence on the terminal (`ceremony keys`) and on
 * the key inventory screen.
 */
export function abortedKeyAdvice(ceremonyId: string, ckaId: string): string {
  return `made by ceremony ${ceremonyId}, which was aborted: adopt the key in a new witnessed ceremony, or destroy it (key-destruction.yaml with expectedId ${ckaId}).`;
}

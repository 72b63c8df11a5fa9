/** The PrintableString character set (X.680 §41.4, table 10). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function isPrintableString(value: string): boolean {
  return PRINTABLE.test(value);
}

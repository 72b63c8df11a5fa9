/** The people of a rehearsal, each with their own attestation PIN. */
export interface Person {
  name: string;
  role: string;
  roleTitle: string;
  organisation: string;
  pin: string;
}

function person(name: string, role: string, roleTitle: string, organisation: string): Person {
  return { name, role, roleTitle, organisation, pin: `pin-${name.split(" ")[0]!.toLowerCase()}-2468` };
}

export const ADMIN = person("Ada Okafor", "ceremony-administrator", "Ceremony administrator", "Security Office");
export const OFFICER = person("Carlos Mendes", "crypto-officer", "Crypto officer", "PKI Operations");
export const WITNESSES = [person("Wen Li", "internal-witness", "Internal witness", "Internal Audit"), person("Willa Brandt", "internal-witness", "Internal witness", "Risk")];
/**
 * The Director of Cybersecurity: an internal witness whose job title fills the named witness the
 * rotation scripts require (requiredTitles "CISO or Director of Cybersecurity").
 */
export const DIRECTOR: Person & { title: string } = {
  name: "Dara Quinn",
  role: "internal-witness",
  // As the name lists show a signed-in person with a job title: "Internal witness (Director of Cybersecurity)".
  roleTitle: "Internal witness (Director of Cybersecurity)",
  organisation: "Cybersecurity",
  pin: "pin-dara-2468",
  title: "Director of Cybersecurity",
};
export const HOLDERS = ["Hana Sato", "Hugo Lefebvre", "Hiro Tanaka", "Helen Okoro", "Hamid Rahimi"].map((n) => person(n, "share-holder", "Share holder", "Key Custodians"));

export const REHEARSAL_HSM_PIN = "rehearsal-user-1234";

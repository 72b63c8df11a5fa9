/**
 * Every lint, made to fail. Each case starts from a TBS this package issued (which passes every
 * lint), breaks one rule in the decoded structure, the encoding or the issuer facts, and expects
 * that lint to report "fail". A final test checks that no lint is left without a case.
 */
import { generateKeyPairSync } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import type { RevokedCertificate } from "@peculiar/asn1-x509";
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, CertificatePolicies, Extension, Extensions,
  KeyIdentifier, Name, PolicyInformation, PolicyQualifierInfo, RelativeDistinguishedName, SubjectPublicKeyInfo,
  TBSCertList, TBSCertificate, Time,
} from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeInteger, encodeTlv } from "../../../src/pki/der-writer.ts";
import { buildName } from "../../../src/pki/distinguished-name.ts";
import {
  authorityInfoAccessExtension, basicConstraintsExtension, crlDistributionPointsExtension, extendedKeyUsageExtension, rawExtension,
} from "../../../src/pki/extensions.ts";
import { issuerFactsFromCertificate, subjectFactsFromTbs } from "../../../src/pki/issuer.ts";
import type { IssuerFacts } from "../../../src/pki/issuer.ts";
import { CERTIFICATE_LINTS, CRL_LINTS, issueCrl, issueCrossCertificate, issueIntermediateCertificate, parseCsr } from "../../../src/pki/index.ts";
import { runLints } from "../../../src/pki/lints/lint.ts";
import { certificateLintTarget, crlLintTarget } from "../../../src/pki/lints/targets.ts";
import type { CertificateProfile } from "../../../src/pki/lints/targets.ts";
import { CRL_URL, NOW, buildCsr, makeRoot, signerFor, softwareRandom } from "./pki-fixtures.ts";

let rootTbs: Buffer;
let subTbs: Buffer;
let crlTbs: Buffer;
let rootFacts: IssuerFacts;
let crossTbs: Buffer;
let certifiedFacts: IssuerFacts;

beforeAll(async () => {
  const root = await makeRoot("EC-P384");
  rootTbs = root.tbsDer;
  rootFacts = issuerFactsFromCertificate(root.der, "root");
  const signer = await signerFor("EC-P384");
  subTbs = (
    await issueIntermediateCertificate({
      csr: parseCsr(buildCsr({ key: "EC-P256" })),
      issuer: { certificate: root.der, signer },
      validity: { notBefore: NOW, notAfter: new Date("2036-03-01T12:00:00Z") },
      crlDistributionPoints: [CRL_URL],
      policies: [{ oid: "2.23.140.1.2.2", cpsUrl: "https://example.test/cps" }],
      aiaIssuerUrls: ["http://aia.example.test/root.cer"],
      extKeyUsages: ["serverAuth"],
      nameConstraints: { permittedDNS: ["example.com"] },
      random: softwareRandom,
      now: NOW,
    })
  ).tbsDer;
  // A second root of the same organization, certified by the first: the cross-certificate baseline.
  const newRoot = await makeRoot("EC-P256", { subject: "CN=Example Root CA R2,O=Example Ltd,C=GB" });
  certifiedFacts = issuerFactsFromCertificate(newRoot.der, "new root");
  crossTbs = (
    await issueCrossCertificate({
      certifiedCertificate: newRoot.der,
      issuer: { certificate: root.der, signer },
      validity: { notBefore: NOW, notAfter: new Date("2036-03-01T12:00:00Z") },
      crlDistributionPoints: [CRL_URL],
      policies: [{}],
      random: softwareRandom,
      now: NOW,
    })
  ).tbsDer;
  crlTbs = (
    await issueCrl({
      issuer: { certificate: root.der, signer },
      thisUpdate: NOW,
      nextUpdate: new Date("2026-09-01T12:00:00Z"),
      crlNumber: 3n,
      revoked: [{ serialHex: "4a5b", revocationDate: new Date("2026-02-01T00:00:00Z"), reason: "keyCompromise" }],
      now: NOW,
    })
  ).tbsDer;
});

const name = (text: string): Name => buildName(text, "test");
const ext = (tbs: TBSCertificate): Extension[] => [...(tbs.extensions ?? [])];
const setExt = (tbs: TBSCertificate, list: Extension[]): void => {
  tbs.extensions = new Extensions(list);
};
const replaceExt = (tbs: TBSCertificate, oid: string, replacement: Extension | undefined): void =>
  setExt(tbs, ext(tbs).flatMap((e) => (e.extnID === oid ? (replacement ? [replacement] : []) : [e])));
const addExt = (tbs: TBSCertificate, e: Extension): void => setExt(tbs, [...ext(tbs), e]);
const withCritical = (e: Extension, critical: boolean): Extension => new Extension({ extnID: e.extnID, critical, extnValue: e.extnValue });
const find = (tbs: TBSCertificate, oid: string): Extension => ext(tbs).find((e) => e.extnID === oid) as Extension;
const keyUsage = (hex: string): Extension => rawExtension("2.5.29.15", true, Buffer.from(hex, "hex"));
const serial = (hex: string): ArrayBuffer => new Uint8Array(Buffer.from(hex, "hex")).buffer;
const algorithm = (hex: string): AlgorithmIdentifier => AsnConvert.parse(Buffer.from(hex, "hex"), AlgorithmIdentifier);
const days = (n: number): Date => new Date(NOW.getTime() + n * 86_400_000);

interface CertCase {
  readonly id: string;
  readonly profile: CertificateProfile;
  readonly mutate?: (tbs: TBSCertificate) => void;
  readonly issuer?: (facts: IssuerFacts) => IssuerFacts;
  /** For a cross-certificate: the certified root's facts as the lint sees them (undefined: not given). */
  readonly certified?: (facts: IssuerFacts) => IssuerFacts | undefined;
  readonly now?: Date;
}

const CERT_CASES: readonly CertCase[] = [
  { id: "e_serial_positive", profile: "root", mutate: (t) => void (t.serialNumber = serial("00")) },
  { id: "e_serial_min_64_bits", profile: "root", mutate: (t) => void (t.serialNumber = serial("7fffffffffffffff")) },
  { id: "e_serial_max_20_octets", profile: "root", mutate: (t) => void (t.serialNumber = serial(`40${"11".repeat(20)}`)) },
  { id: "e_validity_time_encoding", profile: "root", mutate: (t) => void (t.validity.notBefore = new Time({ generalTime: NOW })) },
  { id: "e_validity_not_inverted", profile: "root", mutate: (t) => void ([t.validity.notBefore, t.validity.notAfter] = [t.validity.notAfter, t.validity.notBefore]) },
  { id: "e_ca_not_before_within_one_day_of_signing", profile: "root", now: days(1.5) },
  { id: "e_ca_not_before_within_one_day_of_signing", profile: "subordinate-ca", now: days(-0.001) },
  { id: "e_root_validity_over_25y", profile: "root", mutate: (t) => void (t.validity.notAfter = new Time({ generalTime: new Date("2051-03-03T12:00:00Z") })) },
  { id: "e_root_validity_under_8y", profile: "root", mutate: (t) => void (t.validity.notAfter = new Time({ utcTime: new Date("2034-02-26T12:00:00Z") })) },
  { id: "e_sub_ca_validity_within_issuer", profile: "subordinate-ca", mutate: (t) => void (t.validity.notAfter = new Time({ utcTime: new Date("2046-03-01T12:00:01Z") })) },
  { id: "e_subject_not_empty", profile: "root", mutate: (t) => void (t.subject = new Name([])) },
  { id: "e_issuer_matches_subject_of_issuer", profile: "subordinate-ca", mutate: (t) => void (t.issuer = name("CN=Other Root,O=Example Ltd,C=GB")) },
  { id: "e_issuer_matches_subject_of_issuer", profile: "root", mutate: (t) => void (t.subject = name("CN=Renamed Root,O=Example Ltd,C=GB")) },
  { id: "e_subject_cn_or_o_present", profile: "root", mutate: (t) => void (t.subject = name("L=London,C=GB")) },
  { id: "e_ca_subject_c_o_cn_present", profile: "subordinate-ca", mutate: (t) => void (t.subject = name("CN=Only A Name")) },
  { id: "e_root_subject_no_ou", profile: "root", mutate: (t) => void (t.subject = name("CN=Root,OU=PKI,O=Example Ltd,C=GB")) },
  { id: "e_sub_ca_subject_differs_from_issuer", profile: "subordinate-ca", mutate: (t) => void (t.subject = t.issuer) },
  { id: "e_subject_country_valid", profile: "root", mutate: (t) => void (t.subject = name("CN=Root,O=Example Ltd,C=UK")) },
  { id: "e_subject_country_valid", profile: "subordinate-ca", mutate: (t) => void (t.subject = new Name([rdn("2.5.4.6", { utf8String: "GB" })])) },
  { id: "e_dn_string_types", profile: "subordinate-ca", mutate: (t) => void (t.subject = new Name([rdn("2.5.4.6", { printableString: "GB" }), rdn("2.5.4.3", { teletexString: "CA" })])) },
  { id: "e_dn_string_types", profile: "subordinate-ca", mutate: (t) => void (t.subject = new Name([rdn("2.5.4.3", { printableString: "a@b" })])) },
  { id: "e_subject_attribute_max_length", profile: "subordinate-ca", mutate: (t) => void (t.subject = name(`CN=${"é".repeat(65)},O=Example Ltd,C=GB`)) },
  { id: "e_subject_single_attribute_rdns", profile: "subordinate-ca", mutate: (t) => void (t.subject = new Name([new RelativeDistinguishedName([atv("2.5.4.10", "Ex"), atv("2.5.4.3", "CA")])])) },
  { id: "e_subject_rdn_order", profile: "subordinate-ca", mutate: (t) => void (t.subject = new Name([...t.subject].reverse())) },
  { id: "e_subject_no_duplicate_attributes", profile: "subordinate-ca", mutate: (t) => void (t.subject = name("CN=CA,O=Two,O=One,C=GB")) },
  { id: "e_version_3", profile: "root", mutate: (t) => void (t.version = 1) },
  { id: "e_no_unique_ids", profile: "root", mutate: (t) => void (t.subjectUniqueID = new Uint8Array([0, 1]).buffer) },
  { id: "e_ext_no_duplicates", profile: "root", mutate: (t) => addExt(t, find(t, "2.5.29.14")) },
  { id: "e_ext_criticality", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.14", withCritical(find(t, "2.5.29.14"), true)) },
  { id: "e_ca_basic_constraints_critical", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.19", withCritical(find(t, "2.5.29.19"), false)) },
  { id: "e_ca_basic_constraints_critical", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.19", undefined) },
  { id: "e_ca_basic_constraints_ca_true", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.19", rawExtension("2.5.29.19", true, Buffer.from("3000", "hex"))) },
  { id: "e_ca_key_usage_present_critical", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.15", undefined) },
  { id: "e_ca_key_usage_present_critical", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.15", withCritical(find(t, "2.5.29.15"), false)) },
  { id: "e_ca_key_cert_sign", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.15", keyUsage("03020102")) },
  { id: "e_ca_crl_sign", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.15", keyUsage("03020204")) },
  { id: "e_ca_key_usage_permitted_bits", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.15", keyUsage("030201 26".replace(" ", ""))) },
  { id: "e_root_no_eku", profile: "root", mutate: (t) => addExt(t, extendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1"])) },
  { id: "e_ca_eku_no_any", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.37", extendedKeyUsageExtension(["1.3.6.1.5.5.7.3.2", "2.5.29.37.0"])) },
  { id: "e_ca_eku_server_auth_not_mixed", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.37", extendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.9"])) },
  { id: "e_issuer_can_sign_certificates", profile: "subordinate-ca", issuer: (f) => ({ ...f, basicConstraints: { cA: false } }) },
  { id: "e_issuer_can_sign_certificates", profile: "subordinate-ca", issuer: (f) => ({ ...f, keyUsage: 0x40 }) },
  { id: "e_sub_ca_path_len_within_issuer", profile: "subordinate-ca", issuer: (f) => ({ ...f, basicConstraints: { cA: true, pathLength: 0 } }) },
  { id: "e_sub_ca_path_len_within_issuer", profile: "subordinate-ca", issuer: (f) => ({ ...f, basicConstraints: { cA: true, pathLength: 1 } }), mutate: (t) => replaceExt(t, "2.5.29.19", basicConstraintsExtension(1)) },
  { id: "e_sub_ca_key_differs_from_issuer", profile: "subordinate-ca", mutate: (t) => void (t.subjectPublicKeyInfo = AsnConvert.parse(rootFacts.spki, SubjectPublicKeyInfo)) },
  { id: "e_ski_present", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.14", undefined) },
  { id: "e_aki_present_subordinate", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.35", undefined) },
  { id: "e_aki_matches_issuer_ski", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.35", aki(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(Buffer.alloc(20, 7)) }))) },
  { id: "e_aki_matches_issuer_ski", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.35", aki(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(Buffer.alloc(20, 7)) }))) },
  { id: "e_aki_key_id_only", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.35", aki(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(rootFacts.subjectKeyIdentifier as Buffer), authorityCertSerialNumber: new Uint8Array([1]).buffer }))) },
  { id: "e_sub_ca_crldp_present", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.31", undefined) },
  { id: "e_crldp_http_full_name", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.31", crlDistributionPointsExtension(["https://crl.example.test/root.crl"])) },
  { id: "e_aia_methods_allowed", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "1.3.6.1.5.5.7.1.1", authorityInfoAccessExtension([], ["ldap://ldap.example.test/root"])) },
  { id: "e_policies_any_policy_alone", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.32", policies(["2.5.29.32.0", "2.23.140.1.2.2"])) },
  { id: "e_policies_cps_qualifier_only", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.32", policies(["2.23.140.1.2.2"], "1.3.6.1.5.5.7.2.2")) },
  { id: "e_name_constraints_critical", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.30", withCritical(find(t, "2.5.29.30"), false)) },
  { id: "e_name_constraints_not_empty", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.30", rawExtension("2.5.29.30", true, Buffer.from("3000", "hex"))) },
  { id: "e_name_constraints_no_min_max", profile: "subordinate-ca", mutate: (t) => replaceExt(t, "2.5.29.30", rawExtension("2.5.29.30", true, Buffer.from("3014a0123010820b6578616d706c652e636f6d810103", "hex"))) },
  { id: "e_spki_algorithm_allowed", profile: "subordinate-ca", mutate: (t) => void (t.subjectPublicKeyInfo = AsnConvert.parse(generateKeyPairSync("ec", { namedCurve: "P-521" }).publicKey.export({ format: "der", type: "spki" }), SubjectPublicKeyInfo)) },
  { id: "e_signature_algorithm_matches_key", profile: "subordinate-ca", mutate: (t) => void (t.signature = algorithm("300a06082a8648ce3d040302")) },
  { id: "e_sig_alg_params", profile: "root", mutate: (t) => void (t.signature = algorithm("300c06082a8648ce3d0403030500")) },
  { id: "e_der_strict", profile: "root", mutate: (t) => replaceExt(t, "2.5.29.19", rawExtension("2.5.29.19", true, Buffer.from("3003010101", "hex"))) },
  { id: "e_sub_ca_crldp_present", profile: "cross-ca", mutate: (t) => replaceExt(t, "2.5.29.31", undefined) },
  { id: "e_sub_ca_key_differs_from_issuer", profile: "cross-ca", mutate: (t) => void (t.subjectPublicKeyInfo = AsnConvert.parse(rootFacts.spki, SubjectPublicKeyInfo)) },
  { id: "e_cross_certified_root_given", profile: "cross-ca", certified: () => undefined },
  { id: "e_cross_subject_matches_certified", profile: "cross-ca", mutate: (t) => void (t.subject = name("CN=Example Root CA R3,O=Example Ltd,C=GB")) },
  { id: "e_cross_key_matches_certified", profile: "cross-ca", mutate: (t) => void (t.subjectPublicKeyInfo = AsnConvert.parse(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "der", type: "spki" }), SubjectPublicKeyInfo)) },
  { id: "e_cross_ski_matches_certified", profile: "cross-ca", certified: (f) => ({ ...f, subjectKeyIdentifier: Buffer.alloc(20, 5) }) },
  { id: "e_cross_policies_present", profile: "cross-ca", mutate: (t) => replaceExt(t, "2.5.29.32", undefined) },
  { id: "e_cross_unrestricted_same_organization", profile: "cross-ca", mutate: (t) => void (t.subject = name("CN=Example Root CA R2,O=Another Org,C=GB")) },
  { id: "e_cross_validity_within_certified", profile: "cross-ca", certified: (f) => ({ ...f, notAfter: new Date("2030-03-01T12:00:00Z") }) },
];

function atv(oid: string, text: string): AttributeTypeAndValue {
  return new AttributeTypeAndValue({ type: oid, value: new AttributeValue({ printableString: text }) });
}
function rdn(oid: string, value: Partial<AttributeValue>): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value: new AttributeValue(value) })]);
}
function aki(value: AuthorityKeyIdentifier): Extension {
  return new Extension({ extnID: "2.5.29.35", critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) });
}
function policies(oids: string[], qualifierId?: string): Extension {
  const items = oids.map((oid) => new PolicyInformation({ policyIdentifier: oid, ...(qualifierId ? { policyQualifiers: [new PolicyQualifierInfo({ policyQualifierId: qualifierId, qualifier: new Uint8Array(Buffer.from("3000", "hex")).buffer })] } : {}) }));
  return new Extension({ extnID: "2.5.29.32", critical: false, extnValue: new OctetString(AsnConvert.serialize(new CertificatePolicies(items))) });
}

function certTarget(c: Pick<CertCase, "profile" | "mutate" | "issuer" | "certified" | "now">) {
  const tbs = AsnConvert.parse(c.profile === "root" ? rootTbs : c.profile === "cross-ca" ? crossTbs : subTbs, TBSCertificate);
  c.mutate?.(tbs);
  const der = Buffer.from(AsnConvert.serialize(tbs));
  const facts = c.profile === "root" ? subjectFactsFromTbs(der) : rootFacts;
  const certified = c.profile !== "cross-ca" ? undefined : c.certified ? c.certified(certifiedFacts) : certifiedFacts;
  return certificateLintTarget(der, c.profile, c.issuer ? c.issuer(facts) : facts, c.now ?? NOW, certified);
}

interface CrlCase {
  readonly id: string;
  readonly mutate?: (tbs: TBSCertList) => void;
  readonly issuer?: (facts: IssuerFacts) => IssuerFacts;
  readonly now?: Date;
}

const crlExt = (oid: string, critical: boolean, valueHex: string): Extension => rawExtension(oid, critical, Buffer.from(valueHex, "hex"));
const setCrlExt = (t: TBSCertList, oid: string, e: Extension | undefined): void => {
  t.crlExtensions = (t.crlExtensions ?? []).flatMap((x) => (x.extnID === oid ? (e ? [e] : []) : [x]));
};
const firstEntry = (t: TBSCertList): RevokedCertificate => (t.revokedCertificates ?? [])[0] as RevokedCertificate;
const reason = (code: number, critical = false): Extension[] => [crlExt("2.5.29.21", critical, `0a01${code.toString(16).padStart(2, "0")}`)];

const CRL_CASES: readonly CrlCase[] = [
  { id: "e_crl_version_2", mutate: (t) => void (t.version = undefined) },
  { id: "e_crl_issuer_matches_subject_of_issuer", mutate: (t) => void (t.issuer = name("CN=Someone Else,O=Example Ltd,C=GB")) },
  { id: "e_crl_time_encoding", mutate: (t) => void (t.thisUpdate = new Time({ generalTime: NOW })) },
  { id: "e_crl_time_encoding", mutate: (t) => void (firstEntry(t).revocationDate = new Time({ generalTime: new Date("2026-02-01T00:00:00Z") })) },
  { id: "e_crl_next_update_present", mutate: (t) => void (t.nextUpdate = undefined) },
  { id: "e_crl_next_update_after_this_update", mutate: (t) => void (t.nextUpdate = new Time({ utcTime: NOW })) },
  { id: "e_crl_next_update_within_12_months", mutate: (t) => void (t.nextUpdate = new Time({ utcTime: new Date("2027-03-01T12:00:01Z") })) },
  { id: "e_crl_this_update_not_future", now: new Date(NOW.getTime() - 1000) },
  { id: "e_crl_issuer_can_sign_crls", issuer: (f) => ({ ...f, keyUsage: 0x20 }) },
  { id: "e_crl_issuer_can_sign_crls", issuer: (f) => ({ ...f, basicConstraints: undefined }) },
  { id: "e_crl_ext_no_duplicates", mutate: (t) => void (t.crlExtensions = [...(t.crlExtensions ?? []), crlExt("2.5.29.20", false, "020104")]) },
  { id: "e_crl_aki_present", mutate: (t) => setCrlExt(t, "2.5.29.35", undefined) },
  { id: "e_crl_aki_present", mutate: (t) => setCrlExt(t, "2.5.29.35", withCritical((t.crlExtensions ?? [])[0] as Extension, true)) },
  { id: "e_crl_aki_matches_issuer_ski", mutate: (t) => setCrlExt(t, "2.5.29.35", aki(new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(Buffer.alloc(20, 9)) }))) },
  { id: "e_crl_number_present_non_critical", mutate: (t) => setCrlExt(t, "2.5.29.20", undefined) },
  { id: "e_crl_number_present_non_critical", mutate: (t) => setCrlExt(t, "2.5.29.20", crlExt("2.5.29.20", true, "020103")) },
  { id: "e_crl_number_range", mutate: (t) => setCrlExt(t, "2.5.29.20", crlExt("2.5.29.20", false, "0201ff")) },
  { id: "e_crl_number_range", mutate: (t) => setCrlExt(t, "2.5.29.20", crlExt("2.5.29.20", false, encodeInteger(1n << 159n).toString("hex"))) },
  { id: "e_crl_revoked_absent_when_empty", mutate: (t) => void (t.revokedCertificates = []) },
  { id: "e_crl_entry_serial_valid", mutate: (t) => void (firstEntry(t).userCertificate = serial("00")) },
  { id: "e_crl_no_duplicate_serials", mutate: (t) => void (t.revokedCertificates = [firstEntry(t), firstEntry(t)]) },
  { id: "e_crl_revocation_date_not_after_this_update", mutate: (t) => void (firstEntry(t).revocationDate = new Time({ utcTime: new Date("2026-03-01T12:00:01Z") })) },
  { id: "e_crl_reason_not_unspecified", mutate: (t) => void (firstEntry(t).crlEntryExtensions = reason(0)) },
  { id: "e_crl_reason_permitted", mutate: (t) => void (firstEntry(t).crlEntryExtensions = reason(6)) },
  { id: "e_crl_reason_permitted", mutate: (t) => void (firstEntry(t).crlEntryExtensions = reason(2)) },
  { id: "e_crl_reason_non_critical", mutate: (t) => void (firstEntry(t).crlEntryExtensions = reason(1, true)) },
  { id: "e_signature_algorithm_matches_key", mutate: (t) => void (t.signature = algorithm("300d06092a864886f70d01010b0500")) },
  { id: "e_sig_alg_params", mutate: (t) => void (t.signature = algorithm("300c06082a8648ce3d0403030500")) },
  { id: "e_der_strict", mutate: (t) => void (firstEntry(t).crlEntryExtensions = [crlExt("2.5.29.21", false, encodeTlv(0x0a, Buffer.from([0x00, 0x01])).toString("hex"))]) },
];

function crlTarget(c: Pick<CrlCase, "mutate" | "issuer" | "now">) {
  const tbs = AsnConvert.parse(crlTbs, TBSCertList);
  c.mutate?.(tbs);
  const der = Buffer.from(AsnConvert.serialize(tbs));
  return crlLintTarget(der, c.issuer ? c.issuer(rootFacts) : rootFacts, c.now ?? NOW);
}

describe("lints pass on what this package issues", () => {
  it.each(["root", "subordinate-ca", "cross-ca"] as const)("every certificate lint passes or does not apply on the %s baseline", (profile) => {
    const results = runLints(CERTIFICATE_LINTS, certTarget({ profile }), []);
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
  });

  it("every CRL lint passes on the CRL baseline", () => {
    expect(runLints(CRL_LINTS, crlTarget({}), []).filter((r) => r.status === "fail")).toEqual([]);
  });

  it("the subordinate baseline exercises the optional-extension lints", () => {
    const applied = runLints(CERTIFICATE_LINTS, certTarget({ profile: "subordinate-ca" }), []).filter((r) => r.status === "pass").map((r) => r.id);
    expect(applied).toEqual(expect.arrayContaining(["e_crldp_http_full_name", "e_aia_methods_allowed", "e_policies_cps_qualifier_only", "e_name_constraints_no_min_max", "e_ca_eku_server_auth_not_mixed"]));
  });
});

describe("each certificate lint fails on the rule it checks", () => {
  it.each(CERT_CASES.map((c, i) => [`${c.id} (${c.profile}, case ${i})`, c] as const))("%s", (_label, c) => {
    const result = runLints(CERTIFICATE_LINTS.filter((l) => l.id === c.id), certTarget(c), [])[0];
    expect(result?.status, result?.message).toBe("fail");
    expect(result?.message).toMatch(/\w/);
    expect(result?.message).not.toMatch(/^could not be evaluated/);
  });
});

describe("each CRL lint fails on the rule it checks", () => {
  it.each(CRL_CASES.map((c, i) => [`${c.id} (case ${i})`, c] as const))("%s", (_label, c) => {
    const result = runLints(CRL_LINTS.filter((l) => l.id === c.id), crlTarget(c), [])[0];
    expect(result?.status, result?.message).toBe("fail");
    expect(result?.message).toMatch(/\w/);
    expect(result?.message).not.toMatch(/^could not be evaluated/);
  });
});

describe("the lint registry", () => {
  it("has a failing case for every certificate lint and every CRL lint", () => {
    expect(CERTIFICATE_LINTS.map((l) => l.id).filter((id) => !CERT_CASES.some((c) => c.id === id))).toEqual([]);
    expect(CRL_LINTS.map((l) => l.id).filter((id) => !CRL_CASES.some((c) => c.id === id))).toEqual([]);
  });

  it("uses unique zlint-style ids, each with a source and a description", () => {
    for (const lints of [CERTIFICATE_LINTS, CRL_LINTS]) {
      const ids = lints.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const l of lints) {
        expect(l.id).toMatch(/^[ew]_[a-z0-9_]+$/);
        expect(l.source).toMatch(/RFC \d+|BR §/);
        expect(l.description.length).toBeGreaterThan(10);
      }
    }
  });

  it("reports an exception inside a lint as a failure, not a crash", () => {
    const boom = { id: "e_test", source: "RFC 0", description: "throws on purpose", check: () => { throw new Error("bad bytes"); } };
    expect(runLints([boom], {}, [])).toEqual([{ id: "e_test", source: "RFC 0", status: "fail", message: "could not be evaluated: bad bytes" }]);
  });
});

/** Graph's authentication method shapes ↔ the port's, and the order deletions go in. */
import { AppError } from '../../errors';
import type { AuthMethod, AuthMethodType, PhoneMethodType, PhoneNumber } from '../../ports/directory';

/** The fixed ids Graph gives each phone type (phoneauthenticationmethod-delete.md). */
export const PHONE_METHOD_IDS: Record<PhoneMethodType, string> = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
};

const TYPE_BY_ODATA: Record<string, AuthMethodType> = {
  '#microsoft.graph.passwordAuthenticationMethod': 'password',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticator',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOath',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusiness',
  '#microsoft.graph.emailAuthenticationMethod': 'email',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPass',
};

const PHONE_ODATA = '#microsoft.graph.phoneAuthenticationMethod';

/** The collection under /users/{id}/authentication/ that a DELETE of each type goes to. */
export const COLLECTION_BY_TYPE: Partial<Record<AuthMethodType, string>> = {
  mobile: 'phoneMethods',
  alternateMobile: 'phoneMethods',
  office: 'phoneMethods',
  microsoftAuthenticator: 'microsoftAuthenticatorMethods',
  softwareOath: 'softwareOathMethods',
  fido2: 'fido2Methods',
  windowsHelloForBusiness: 'windowsHelloForBusinessMethods',
  email: 'emailMethods',
  temporaryAccessPass: 'temporaryAccessPassMethods',
};

/**
 * Deletion order. Phones go last because for this bot's users a phone is the usual default, which
 * Graph only lets go once nothing else is left; `alternateMobile` must go before `mobile`.
 */
export const DELETION_ORDER: readonly AuthMethodType[] = [
  'temporaryAccessPass',
  'email',
  'softwareOath',
  'fido2',
  'windowsHelloForBusiness',
  'microsoftAuthenticator',
  'office',
  'alternateMobile',
  'mobile',
];

export interface GraphMethod {
  '@odata.type'?: string;
  id: string;
  phoneType?: string;
  phoneNumber?: string | null;
  emailAddress?: string | null;
  displayName?: string | null;
  model?: string | null;
  createdDateTime?: string | null;
  /** Older payloads (the v1.0 list example's FIDO2 key) use this name. */
  creationDateTime?: string | null;
}

export function methodType(method: GraphMethod): AuthMethodType {
  const odataType = method['@odata.type'] ?? '';
  if (odataType === PHONE_ODATA) {
    if (
      method.phoneType === 'mobile' ||
      method.phoneType === 'alternateMobile' ||
      method.phoneType === 'office'
    ) {
      return method.phoneType;
    }
    return 'other';
  }
  return TYPE_BY_ODATA[odataType] ?? 'other';
}

/** `+81 9012345678` → `+81 ********78`: country code and the last two digits, as DESIGN §5 asks. */
export function maskPhone(phoneNumber: string): string {
  const [countryCode = '', rest = ''] = phoneNumber.split(' ');
  const digits = rest.split('x')[0]?.replace(/\D/g, '') ?? '';
  if (digits.length <= 2) return `${countryCode} **`;
  return `${countryCode} ${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

export function toAuthMethod(method: GraphMethod): AuthMethod {
  const type = methodType(method);
  let maskedDetail: string | undefined;
  if (typeof method.phoneNumber === 'string') maskedDetail = maskPhone(method.phoneNumber);
  else if (typeof method.emailAddress === 'string') maskedDetail = maskEmail(method.emailAddress);
  const displayName = method.displayName ?? (type === 'fido2' ? method.model : undefined) ?? undefined;
  return {
    type,
    id: method.id,
    maskedDetail,
    displayName,
    createdDateTime: method.createdDateTime ?? method.creationDateTime ?? undefined,
    odataType: method['@odata.type'] ?? '',
  };
}

/** phoneauthenticationmethod: `+{country code} {number}` — no spaces inside the number. */
export function formatPhoneNumber(phone: PhoneNumber): string {
  if (!/^[1-9]\d{0,2}$/.test(phone.countryCode) || !/^\d{4,15}$/.test(phone.nationalNumber)) {
    throw new AppError(
      'BAD_REQUEST',
      'A phone number needs a 1–3 digit country code and a 4–15 digit number',
    );
  }
  return `+${phone.countryCode} ${phone.nationalNumber}`;
}

/** Compares a number as Graph stores it with the expected one, ignoring spacing. */
export function samePhoneNumber(graphNumber: string | null | undefined, expected: PhoneNumber): boolean {
  if (typeof graphNumber !== 'string') return false;
  const [main = ''] = graphNumber.split('x');
  return main.replace(/[^\d+]/g, '') === `+${expected.countryCode}${expected.nationalNumber}`;
}

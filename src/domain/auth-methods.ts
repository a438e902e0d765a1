/**
 * The authentication methods the domain speaks of, in the directory's terms but with no vendor
 * shapes: the Graph adapter maps `@odata.type` onto these.
 */

export type PhoneMethodType = 'mobile' | 'alternateMobile' | 'office';

export type AuthMethodType =
  | PhoneMethodType
  | 'password'
  | 'microsoftAuthenticator'
  | 'softwareOath'
  | 'fido2'
  | 'windowsHelloForBusiness'
  | 'email'
  | 'temporaryAccessPass'
  /** A method type this version does not know (Graph adds types over time). Never deleted. */
  | 'other';

export const PHONE_METHOD_TYPES: readonly PhoneMethodType[] = ['mobile', 'alternateMobile', 'office'];

/** Types the port can delete; `password` and `other` are not among them. */
export const DELETABLE_METHOD_TYPES: readonly AuthMethodType[] = [
  'mobile',
  'alternateMobile',
  'office',
  'microsoftAuthenticator',
  'softwareOath',
  'fido2',
  'windowsHelloForBusiness',
  'email',
  'temporaryAccessPass',
];

export interface AuthMethod {
  type: AuthMethodType;
  id: string;
  /**
   * Safe to show and log: phone numbers keep the country code and the last two digits only
   * (`+81 ********78`), e-mail addresses keep the first letter and the domain.
   */
  maskedDetail: string | undefined;
  /** Device or key name where Graph has one (Authenticator, Windows Hello, FIDO2). */
  displayName: string | undefined;
  /** ISO 8601; Graph leaves it empty for some methods. */
  createdDateTime: string | undefined;
  /** Graph's `@odata.type`, kept for `other` so an unknown method can still be named. */
  odataType: string;
}

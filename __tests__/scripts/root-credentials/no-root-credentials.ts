/** A member account's root user with no credentials at all, as the audit reads it. */
export const NO_ROOT_CREDENTIALS = {
  password: false,
  accessKeys: 0,
  activeAccessKeys: 0,
  accessKeysLastUsed: null,
  mfaDevices: 0,
  signingCertificates: 0,
};

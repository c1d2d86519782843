/**
 * Headers sent on every answer. The home page is the only HTML and needs nothing but inline
 * styles, so the content security policy allows only that. No header names the version or
 * color: which release runs is information for the bodies of /version and /, not for every
 * answer (a staging security gate refuses a version header).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
};

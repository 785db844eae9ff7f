/**
 * The Content-Security-Policy for pages: scripts only with this response's nonce (Next
 * adds it to its own scripts when it finds it in the request's CSP header), images and
 * previews from HTTPS (Spotify's CDNs) or the accounts origin (the sandbox serves covers
 * and previews there), and requests only to this app, whose route handlers proxy the API.
 */
export function contentSecurityPolicy(nonce: string, accountsUrl: string, dev = false): string {
  const accounts = new URL(accountsUrl).origin;
  const media = ["'self'", "data:", "blob:", "https:", accounts].join(" ");
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load are trusted; dev needs eval for HMR.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React's style={{…}} attributes need inline styles; they cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media}`,
    `media-src ${media}`,
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

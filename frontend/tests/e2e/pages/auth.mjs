// Page objects for signing in and out: our landing page, a /login link, the sandbox consent page,
// our auth-error and sign-out pages.
export class LandingPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async goto() {
    await this.page.goto(`${this.baseUrl}/`);
  }
  async startSignIn() {
    await this.page.getByTestId("sign-in").click();
    await this.page.waitForURL(/\/authorize\?/);
    return new ConsentPage(this.page);
  }
  async isSignedOut() {
    await this.page.getByTestId("signed-out").waitFor();
    return true;
  }
}

/** A link to /login as someone else might craft it (the query string is sent as given). */
export class SignInLink {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async open(query) {
    await this.page.goto(`${this.baseUrl}/login?${query}`);
    await this.page.waitForURL(/\/authorize\?/);
    return new ConsentPage(this.page);
  }
}

export class ConsentPage {
  constructor(page) {
    this.page = page;
  }
  async approve(baseUrl, user) {
    if (user) await this.page.locator("#user").selectOption(user);
    await this.page.locator("#approve").click();
    await this.page.waitForURL((url) => url.href.startsWith(baseUrl) && !url.pathname.startsWith("/callback"));
  }
  /** Approves and follows the redirects wherever they go; returns where the browser ended. */
  async approveAndFollow(accountsUrl) {
    await this.page.locator("#approve").click();
    await this.page.waitForURL((url) => !url.href.startsWith(accountsUrl) && !url.pathname.startsWith("/callback"));
    await this.page.waitForLoadState("load");
    return new URL(this.page.url());
  }
  async deny() {
    await this.page.locator("#deny").click();
    await this.page.waitForURL(/\/auth-error/);
    return new AuthErrorPage(this.page);
  }
}

export class AuthErrorPage {
  constructor(page) {
    this.page = page;
  }
  async reason() {
    return this.page.getByTestId("auth-error").getAttribute("data-reason");
  }
  async heading() {
    return this.page.getByRole("heading", { level: 1 }).innerText();
  }
  async signInAgain() {
    await this.page.getByTestId("sign-in-again").click();
    await this.page.waitForURL(/\/authorize\?/);
    return new ConsentPage(this.page);
  }
}

export class Header {
  constructor(page) {
    this.page = page;
  }
  async signOut() {
    await this.page.getByTestId("sign-out").click();
    await this.page.waitForURL(/signed_out=1/);
  }
}

/** /sign-out, where a GET of /logout lands: it asks before signing out. */
export class SignOutPage {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  /** Types /logout into the address bar (a GET); returns the page's HTTP status. */
  async openByGet() {
    const response = await this.page.goto(`${this.baseUrl}/logout`);
    await this.page.getByTestId("sign-out-page").waitFor();
    return response.status();
  }
  async asksToSignOut() {
    return (await this.page.getByTestId("sign-out-page").getAttribute("data-signed-in")) === "true";
  }
  async confirm() {
    await this.page.getByTestId("confirm-sign-out").click();
    await this.page.waitForURL(/signed_out=1/);
  }
}

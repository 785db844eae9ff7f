// Page objects for signing in and out: our landing page, the sandbox consent page, our auth-error page.
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

export class ConsentPage {
  constructor(page) {
    this.page = page;
  }
  async approve(baseUrl, user) {
    if (user) await this.page.locator("#user").selectOption(user);
    await this.page.locator("#approve").click();
    await this.page.waitForURL((url) => url.href.startsWith(baseUrl) && !url.pathname.startsWith("/callback"));
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

// Page objects for an attacker's web site: a tiny server on another loopback origin serving a
// form that posts to the app, and the victim's browser submitting it.
import { createServer } from "node:http";

const escape = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export class AttackerSite {
  constructor(server, origin) {
    this.server = server;
    this.origin = origin;
    this.pages = new Map();
  }
  /** Listens on `host` (e.g. 127.0.0.2: another site; 127.0.0.1: the same site, another port). */
  static async start(host) {
    const site = new AttackerSite(null, "");
    site.server = createServer((req, res) => {
      const html = site.pages.get(new URL(req.url, "http://x").pathname);
      res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
      res.end(html ?? "not found");
    });
    await new Promise((ok) => site.server.listen(0, host, ok));
    site.origin = `http://${host}:${site.server.address().port}`;
    return site;
  }
  /** Serves a page with one form posting `fields` to `action`; returns the page's URL. */
  form(action, fields, enctype = "application/x-www-form-urlencoded") {
    const path = `/prize-${this.pages.size}`;
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
      .join("");
    this.pages.set(path, `<!doctype html><title>You won!</title><form method="post" action="${escape(action)}" enctype="${enctype}">${inputs}<button>Claim your prize</button></form>`);
    return `${this.origin}${path}`;
  }
  close() {
    return new Promise((ok) => this.server.close(ok));
  }
}

export class AttackerPage {
  constructor(page) {
    this.page = page;
  }
  /** Opens the attacker's page and clicks its button: returns the app's answer to the POST. */
  async lureInto(pageUrl, action) {
    await this.page.goto(pageUrl);
    const [response] = await Promise.all([
      this.page.waitForResponse((r) => r.url() === action && r.request().method() === "POST"),
      this.page.getByRole("button", { name: "Claim your prize" }).click(),
    ]);
    return {
      status: response.status(),
      contentType: response.headers()["content-type"] ?? "",
      body: await response.text().catch(() => ""),
      headers: response.headers(),
    };
  }
}

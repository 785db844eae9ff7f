import type { Metadata, Viewport } from "next";
import { Header } from "@/components/ui/Header";
import { hasSession } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Resonance", template: "%s · Resonance" },
  description: "Explainable music recommendations from your Spotify library.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const signedIn = await hasSession();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header signedIn={signedIn} />
        <main id="main" className="container">
          {children}
        </main>
      </body>
    </html>
  );
}

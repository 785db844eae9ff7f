import type { Metadata } from "next";
import Link from "next/link";
import styles from "../landing.module.css";

export const metadata: Metadata = { title: "Sign in" };

const REASONS: Record<string, { title: string; detail: string }> = {
  denied: {
    title: "Sign-in was cancelled",
    detail: "You didn't give Resonance access to your Spotify account, so nothing was shared. You can try again whenever you like.",
  },
  session: {
    title: "Please sign in again",
    detail: "Your Spotify session has ended (it expired or access was revoked). Sign in again to carry on where you left off.",
  },
  expired: { title: "That sign-in took too long", detail: "The sign-in link expired. Start again." },
  state: { title: "That sign-in didn't match", detail: "For your safety we stopped a sign-in we didn't start. Start again." },
  exchange: { title: "Spotify didn't accept the sign-in", detail: "The authorisation code was refused. Start again." },
  unavailable: { title: "Spotify is not reachable", detail: "We couldn't reach Spotify's accounts service. Try again in a moment." },
  provider: { title: "Spotify reported a problem", detail: "The sign-in could not be completed. Try again." },
};

export default async function AuthError({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await searchParams;
  const r = REASONS[reason ?? ""] ?? { title: "Sign-in failed", detail: "Something went wrong while signing in. Try again." };
  return (
    <div className={styles.hero} data-testid="auth-error" data-reason={reason ?? "unknown"}>
      <h1>{r.title}</h1>
      <p className={styles.lede}>{r.detail}</p>
      <div className={styles.actions}>
        <a className="button" href="/login" data-testid="sign-in-again">
          Sign in again
        </a>
        <Link className="button secondary" href="/">
          Back to the start
        </Link>
      </div>
    </div>
  );
}

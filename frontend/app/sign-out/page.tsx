import type { Metadata } from "next";
import Link from "next/link";
import { SignOutForm } from "@/components/auth/SignOutForm";
import { hasSession } from "@/lib/auth/session";
import styles from "../landing.module.css";

export const metadata: Metadata = { title: "Sign out" };

/**
 * Where a GET of /logout lands (a typed URL, an old bookmark): it asks, and only the button's
 * POST signs out, so a stray link can never end someone's session.
 */
export default async function SignOut() {
  if (!(await hasSession())) {
    return (
      <div className={styles.hero} data-testid="sign-out-page" data-signed-in="false">
        <h1>You&rsquo;re signed out</h1>
        <p className={styles.lede}>Resonance holds no Spotify sign-in for this browser.</p>
        <div className={styles.actions}>
          <a className="button" href="/login">
            Sign in
          </a>
        </div>
      </div>
    );
  }
  return (
    <div className={styles.hero} data-testid="sign-out-page" data-signed-in="true">
      <h1>Sign out of Resonance?</h1>
      <p className={styles.lede}>This browser forgets your Spotify sign-in. Your playlists and analyses stay as they are.</p>
      <div className={styles.actions}>
        <SignOutForm className="button" testId="confirm-sign-out" />
        <Link className="button secondary" href="/library">
          Stay signed in
        </Link>
      </div>
    </div>
  );
}

import Link from "next/link";
import { hasSession } from "@/lib/auth/session";
import { config } from "@/lib/config";
import styles from "./landing.module.css";

export default async function Landing({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const [signedIn, params] = await Promise.all([hasSession(), searchParams]);
  const demo = config().demoMode;
  return (
    <div className={styles.landing}>
      {params.signed_out ? (
        <p role="status" className={styles.notice} data-testid="signed-out">
          You&apos;re signed out. Your Spotify tokens were removed from this browser.
        </p>
      ) : null}
      <section className={styles.hero}>
        <h1>Music you&apos;ll like — and exactly why.</h1>
        <p className={styles.lede}>
          Resonance listens to your playlists, measures how each song sounds, and recommends tracks
          with the reasons spelled out: how much is the sound, how much the genre, how much the company
          a song keeps in other people&apos;s playlists.
        </p>
        <div className={styles.actions}>
          {signedIn ? (
            <Link className="button" href="/library">
              Open your library
            </Link>
          ) : (
            <a className="button" href="/login" data-testid="sign-in">
              {demo ? "Try the sandbox" : "Sign in with Spotify"}
            </a>
          )}
          <Link className="button secondary" href="/map">
            Explore the map
          </Link>
        </div>
        {demo && !signedIn ? (
          <p className="muted small">
            Demo mode: sign-in goes to a local Spotify sandbox with a ready-made library, so nothing leaves this machine.
          </p>
        ) : null}
      </section>
      <section className={styles.steps} aria-label="How it works">
        <div className="card">
          <h2>1 · Pick a playlist</h2>
          <p className="muted">Your own and collaborative playlists, saved and top tracks.</p>
        </div>
        <div className="card">
          <h2>2 · Analyse</h2>
          <p className="muted">Tempo, key, energy, timbre — measured from the audio, with live progress.</p>
        </div>
        <div className="card">
          <h2>3 · Tune and save</h2>
          <p className="muted">Adjust diversity, genre focus and targets, then save the list back to Spotify.</p>
        </div>
      </section>
    </div>
  );
}

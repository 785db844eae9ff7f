import Link from "next/link";
import styles from "./Header.module.css";

export function Header({ signedIn }: { signedIn: boolean }) {
  return (
    <header className={styles.header}>
      <div className={styles.inner}>
        <Link href="/" className={styles.brand} aria-label="Resonance, home">
          <span aria-hidden="true" className={styles.logo}>◐</span> Resonance
        </Link>
        <nav aria-label="Main" className={styles.nav}>
          {signedIn ? (
            <>
              <Link href="/library">Library</Link>
              <Link href="/map">Map</Link>
              <form action="/logout" method="post">
                <button type="submit" className="button secondary small" data-testid="sign-out">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <a href="/login" className="button small">
              Sign in
            </a>
          )}
        </nav>
      </div>
    </header>
  );
}

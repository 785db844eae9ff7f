import Link from "next/link";
import { SignOutForm } from "@/components/auth/SignOutForm";
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
              <Link href="/path">Path</Link>
              <Link href="/radio">Radio</Link>
              <SignOutForm className="button secondary small" testId="sign-out" />
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

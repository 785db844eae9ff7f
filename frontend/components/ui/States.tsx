import type { ReactNode } from "react";
import styles from "./States.module.css";

export function ErrorState({ title, detail, action }: { title: string; detail: string; action?: ReactNode }) {
  return (
    <div role="alert" className={`${styles.box} ${styles.error}`} data-testid="error-state">
      <strong>{title}</strong>
      <p>{detail}</p>
      {action}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.box} data-testid="empty-state">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function Loading({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className={styles.loading}>
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className={`skeleton ${styles.row}`} aria-hidden="true" />
      ))}
    </div>
  );
}

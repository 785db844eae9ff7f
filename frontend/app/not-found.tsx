import Link from "next/link";

export default function NotFound() {
  return (
    <div data-testid="not-found">
      <h1>Not found</h1>
      <p className="muted">There&apos;s nothing at this address.</p>
      <Link className="button secondary" href="/">
        Back to the start
      </Link>
    </div>
  );
}

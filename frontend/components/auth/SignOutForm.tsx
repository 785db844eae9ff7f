/**
 * Signing out is a POST form to /logout: a plain form works before (and without) JavaScript,
 * and a POST can't be set off by a prefetch, a crawler or an <img> the way a GET link can.
 */
export function SignOutForm({ className, testId, label = "Sign out" }: { className: string; testId: string; label?: string }) {
  return (
    <form action="/logout" method="post">
      <button type="submit" className={className} data-testid={testId}>
        {label}
      </button>
    </form>
  );
}

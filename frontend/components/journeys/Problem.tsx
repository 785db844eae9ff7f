/** What went wrong with a journey request, in the words of the problem the API answered. */
import { ApiError } from "@/lib/client";
import styles from "./Journeys.module.css";

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, "Something went wrong", "Try again in a moment.");
}

export function Problem({ error, testId }: { error: ApiError | null; testId: string }) {
  if (!error) return null;
  return (
    <p role="alert" className={styles.error} data-testid={testId}>
      {error.title}: {error.detail}
    </p>
  );
}

"use client";

import { ErrorState } from "@/components/ui/States";

export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <ErrorState
      title="This page ran into a problem"
      detail="Something went wrong while showing this page. Try again."
      action={
        <button className="button secondary" onClick={reset}>
          Try again
        </button>
      }
    />
  );
}

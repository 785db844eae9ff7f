"use client";

import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "@/lib/client";
import { JOB_STATE_TEXT } from "@/lib/format";
import type { Job } from "@/lib/schemas";

const FINAL: ReadonlyArray<Job["state"]> = ["done", "failed", "quota_exceeded", "needs_reauth"];

/** Polls a job and shows its progress; calls onFinished once when it reaches a final state. */
export function JobProgress({ initial, onFinished }: { initial: Job; onFinished: (job: Job) => void }) {
  const [job, setJob] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const finished = useRef(false);
  const done = useRef(onFinished);
  useEffect(() => {
    done.current = onFinished;
  }, [onFinished]);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const { data } = await api<Job>(`/api/jobs/${encodeURIComponent(initial.id)}`);
        if (stop) return;
        setJob(data);
        setError(null);
        if (FINAL.includes(data.state)) {
          if (!finished.current) {
            finished.current = true;
            done.current(data);
          }
          return;
        }
      } catch (err) {
        if (stop) return;
        setError(err instanceof ApiError ? err.detail : "Lost contact with the server; retrying…");
      }
      timer = setTimeout(tick, 600);
    };
    if (FINAL.includes(initial.state)) {
      finished.current = true;
      done.current(initial);
    } else {
      timer = setTimeout(tick, 300);
    }
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [initial]);

  const total = job.progress_total ?? null;
  const pct = total && total > 0 ? Math.min(100, Math.round((job.progress_done / total) * 100)) : null;
  const failed = job.state === "failed" || job.state === "quota_exceeded" || job.state === "needs_reauth";
  return (
    <div data-testid="job-progress" data-state={job.state} style={{ display: "grid", gap: "0.5rem" }}>
      <div style={{ display: "flex", justifyContent: "space-between", gap: "1rem", flexWrap: "wrap" }}>
        <span aria-live="polite">
          <strong>{JOB_STATE_TEXT[job.state]}</strong>
          {job.stage && !failed && job.state !== "done" ? <span className="muted"> — {job.stage.replace(/_/g, " ")}</span> : null}
        </span>
        {total ? (
          <span className="muted small" data-testid="job-counts">
            {job.progress_done} / {total}
          </span>
        ) : null}
      </div>
      <div
        className={`progress${pct === null && !failed && job.state !== "done" ? " indeterminate" : ""}`}
        role="progressbar"
        aria-label="Analysis progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={job.state === "done" ? 100 : (pct ?? undefined)}
      >
        <span style={{ width: `${job.state === "done" ? 100 : (pct ?? 0)}%` }} />
      </div>
      {failed && job.error ? <p role="alert" className="small">{job.error}</p> : null}
      {error ? <p className="muted small">{error}</p> : null}
    </div>
  );
}

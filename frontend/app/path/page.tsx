import type { Metadata } from "next";
import { PathBuilder } from "@/components/journeys/PathBuilder";
import { JOURNEYS } from "@/lib/api/journey-limits";
import { requireSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Song path" };

export default async function PathPage() {
  await requireSession("/path");
  return (
    <>
      <h1>A path of songs</h1>
      <p className="muted">Pick where to start and where to arrive: each step moves toward the end and says how.</p>
      <PathBuilder steps={{ ...JOURNEYS.steps, default: JOURNEYS.defaultSteps }} />
    </>
  );
}

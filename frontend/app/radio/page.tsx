import type { Metadata } from "next";
import { RadioView } from "@/components/journeys/RadioView";
import { JOURNEYS } from "@/lib/api/journey-limits";
import { requireSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Radio" };

export default async function RadioPage({ searchParams }: { searchParams: Promise<{ seeds?: string }> }) {
  const { seeds } = await searchParams;
  await requireSession(seeds ? `/radio?seeds=${encodeURIComponent(seeds)}` : "/radio");
  const seedIds = (seeds ?? "")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .slice(0, JOURNEYS.seeds.max);
  return (
    <>
      <h1>Radio</h1>
      <p className="muted">It keeps playing music like your seeds, and learns from what you like, skip and dislike.</p>
      <RadioView seeds={seedIds} />
    </>
  );
}

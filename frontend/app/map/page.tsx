import type { Metadata } from "next";
import { MapView } from "@/components/map/MapView";
import { requireSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Map" };

function ids(value: string | undefined): number[] {
  return (value ?? "")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .slice(0, 500);
}

type Params = { seeds?: string; recs?: string; track?: string };

export default async function MapPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  await requireSession("/map");
  const [track] = ids(params.track);
  return <MapView seeds={ids(params.seeds)} recs={ids(params.recs)} track={track ?? null} />;
}

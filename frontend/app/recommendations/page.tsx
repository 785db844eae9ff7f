import type { Metadata } from "next";
import Link from "next/link";
import { RecommendationsView } from "@/components/recommendations/RecommendationsView";
import { EmptyState } from "@/components/ui/States";
import { RECOMMEND, RECOMMEND_CONTROL_LIMITS } from "@/lib/api/limits";
import { requireSession } from "@/lib/guard";
import { PlaylistKey } from "@/lib/schemas";

export const metadata: Metadata = { title: "Recommendations" };

export default async function RecommendationsPage({
  searchParams,
}: {
  searchParams: Promise<{ playlist?: string; tracks?: string; title?: string }>;
}) {
  const params = await searchParams;
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string"));
  await requireSession(`/recommendations?${qs.toString()}`);
  const playlistId = params.playlist && PlaylistKey.safeParse(params.playlist).success ? params.playlist : undefined;
  const trackIds = (params.tracks ?? "")
    .split(",")
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
    .slice(0, RECOMMEND.trackIds.max);
  if (!playlistId && !trackIds.length) {
    return (
      <EmptyState title="Nothing to recommend from yet">
        <p>
          Pick a playlist in <Link href="/library">your library</Link>, or open a track and ask for similar ones.
        </p>
      </EmptyState>
    );
  }
  const title = params.title?.slice(0, 80) ?? (playlistId ? "For your playlist" : "For your tracks");
  return <RecommendationsView seeds={{ playlistId, trackIds }} title={title} limits={RECOMMEND_CONTROL_LIMITS} />;
}

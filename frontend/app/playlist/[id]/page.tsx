import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PlaylistView } from "@/components/playlist/PlaylistView";
import { JOURNEYS } from "@/lib/api/journey-limits";
import { isUnknown } from "@/lib/exists";
import { requireSession } from "@/lib/guard";
import { PlaylistKey } from "@/lib/schemas";

export const metadata: Metadata = { title: "Playlist" };

export default async function PlaylistPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ name?: string }>;
}) {
  const [{ id }, { name }] = await Promise.all([params, searchParams]);
  if (!PlaylistKey.safeParse(id).success) notFound();
  await requireSession(`/playlist/${id}`);
  if (await isUnknown(`/v1/playlists/${id}`, { spotify: true, code: "not_found" })) notFound();
  return <PlaylistView id={id} fallbackName={name?.slice(0, 200) || "Playlist"} orderLimit={JOURNEYS.order.max} />;
}

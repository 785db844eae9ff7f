import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TrackView } from "@/components/track/TrackView";
import { isUnknown } from "@/lib/exists";
import { requireSession } from "@/lib/guard";
import { TrackId } from "@/lib/schemas";

export const metadata: Metadata = { title: "Track" };

export default async function TrackPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const parsed = TrackId.safeParse(id);
  if (!parsed.success) notFound();
  await requireSession(`/track/${parsed.data}`);
  if (await isUnknown(`/v1/tracks/${parsed.data}`)) notFound();
  return <TrackView id={parsed.data} />;
}

import type { Metadata } from "next";
import { LibraryView } from "@/components/library/LibraryView";
import { requireSession } from "@/lib/guard";

export const metadata: Metadata = { title: "Your library" };

export default async function LibraryPage() {
  await requireSession("/library");
  return <LibraryView />;
}

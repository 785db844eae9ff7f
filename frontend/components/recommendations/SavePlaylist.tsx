"use client";

import { useState } from "react";
import { api, ApiError } from "@/lib/client";
import type { SavedPlaylist } from "@/lib/schemas";
import styles from "./Recommendations.module.css";

export function SavePlaylist({ trackIds, defaultName, maxName }: { trackIds: string[]; defaultName: string; maxName: number }) {
  const [name, setName] = useState(defaultName);
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "saving" } | { kind: "saved"; playlist: SavedPlaylist } | { kind: "error"; message: string }
  >({ kind: "idle" });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setState({ kind: "saving" });
    try {
      const { data } = await api<SavedPlaylist>("/api/playlists", {
        method: "POST",
        json: { name, description: "Recommended by Resonance", track_ids: trackIds },
      });
      setState({ kind: "saved", playlist: data });
    } catch (err) {
      setState({ kind: "error", message: err instanceof ApiError ? err.detail : "Could not save the playlist." });
    }
  };

  return (
    <form className={styles.save} onSubmit={save} aria-label="Save as a playlist">
      <label htmlFor="playlist-name" className="visually-hidden">
        Playlist name
      </label>
      <input
        id="playlist-name"
        value={name}
        maxLength={maxName}
        onChange={(e) => setName(e.target.value)}
        required
        data-testid="playlist-name"
      />
      <button className="button" type="submit" disabled={state.kind === "saving" || !trackIds.length} data-testid="save-playlist">
        {state.kind === "saving" ? "Saving…" : "Save as a playlist"}
      </button>
      <div aria-live="polite" className={styles.saveStatus}>
        {state.kind === "saved" ? (
          <span data-testid="saved-playlist" data-playlist-id={state.playlist.id}>
            Saved “{state.playlist.name}”.{" "}
            {state.playlist.url ? (
              <a href={state.playlist.url} target="_blank" rel="noreferrer">
                Open it in Spotify
              </a>
            ) : null}
          </span>
        ) : null}
        {state.kind === "error" ? <span role="alert" className={styles.errorText}>{state.message}</span> : null}
      </div>
    </form>
  );
}

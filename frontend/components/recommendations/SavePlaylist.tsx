"use client";

import { useState } from "react";
import { api, ApiError } from "@/lib/client";
import type { SavedPlaylist } from "@/lib/schemas";
import styles from "./Recommendations.module.css";

export function SavePlaylist({ trackIds, defaultName, maxName }: { trackIds: string[]; defaultName: string; maxName: number }) {
  const [name, setName] = useState(defaultName);
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "saving" } | { kind: "saved"; playlist: SavedPlaylist; list: string } | { kind: "error"; message: string }
  >({ kind: "idle" });
  // What was saved was one list: once the controls change it, the message no longer applies.
  const list = trackIds.join(",");
  const saved = state.kind === "saved" && state.list === list ? state.playlist : null;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setState({ kind: "saving" });
    try {
      const { data } = await api<SavedPlaylist>("/api/playlists", {
        method: "POST",
        json: { name, description: "Recommended by Resonance", track_ids: trackIds },
      });
      setState({ kind: "saved", playlist: data, list });
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
        {saved ? (
          <span data-testid="saved-playlist" data-playlist-id={saved.id} data-already-saved={saved.already_saved}>
            {saved.already_saved ? "Already saved" : "Saved"} as “{saved.name}”.{" "}
            {saved.url ? (
              <a href={saved.url} target="_blank" rel="noreferrer">
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

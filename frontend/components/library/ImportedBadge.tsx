/**
 * The badge of a playlist imported from an Exportify file (`resonance import exportify`): it
 * lives in Resonance only, so Spotify neither shows nor updates it.
 */
export function ImportedBadge() {
  return (
    <span className="chip" data-testid="imported-badge" title="Imported from a file: it lives in Resonance, not in your Spotify account">
      Imported
    </span>
  );
}

/** The track page's descriptor chart: sound qualities as bars, the analysis's own confidences not. */
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { DescriptorChart } from "@/components/track/DescriptorChart";

describe("DescriptorChart", () => {
  it("draws sound qualities as bars and the tempo in words, but no confidence bars", () => {
    const html = renderToStaticMarkup(
      <DescriptorChart
        descriptors={{
          energy: 0.8,
          brightness: 0.4,
          tempo_bpm: 121.7,
          tempo_confidence: 0.62,
          key_confidence: 0.9,
          tempo_words: "around 122 BPM",
        }}
      />,
    );
    expect(html).toContain("Energy");
    expect(html).toContain("Brightness");
    expect(html.replace(/<[^>]+>/g, "")).toContain("around 122 BPM");
    expect(html).not.toContain("confidence");
  });

  it("says the track is not analysed when there is nothing to show", () => {
    const html = renderToStaticMarkup(<DescriptorChart descriptors={{}} />);
    expect(html).toContain("analysed yet");
  });
});

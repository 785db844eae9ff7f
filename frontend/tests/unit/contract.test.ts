/**
 * The zod schemas for what the browser sends agree with the API's OpenAPI document
 * (lib/api/openapi.json), so a limit or default changed in the backend's pydantic schemas, or
 * a number typed into lib/schemas.ts, fails here instead of surfacing as a 422 in production.
 *
 * Two layers: type-level checks (expectTypeOf, enforced by `npm run typecheck`, which covers
 * tests/unit) that the parsed inputs fit the generated request types, and runtime checks that
 * every bound and default the OpenAPI document states is the one zod enforces.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { RECOMMEND } from "@/lib/api/limits";
import document from "@/lib/api/openapi.json";
import type { components } from "@/lib/api/types";
import { RecommendInput, SavePlaylistInput } from "@/lib/schemas";

type Schemas = components["schemas"];

/** The JSON Schema keywords that carry limits and defaults. */
const KEYWORDS = ["minimum", "maximum", "default", "enum", "minItems", "maxItems", "minLength", "maxLength"] as const;

/**
 * Where the web app differs from the API on purpose, and what it uses instead
 * (`undefined`: leaves it to the API).
 */
const DELIBERATE: Record<string, unknown> = {
  // The page never asks to wait longer than the API would by default.
  "RecommendRequest.wait_seconds.default": undefined,
  // A saved playlist is one list of recommendations, so no longer than the longest list.
  "PlaylistCreate.track_ids.maxItems": RECOMMEND.n.max,
};

type JsonSchema = { [key: string]: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] };

const apiSchemas = (document as unknown as { components: { schemas: Record<string, JsonSchema> } }).components.schemas;

function resolve(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref === "string") return apiSchemas[ref.replace("#/components/schemas/", "")]!;
  // `T | None` arrives as anyOf [T, null]: the bounds sit on the non-null branch.
  const branches = schema.anyOf?.filter((b) => b.type !== "null");
  if (branches?.length === 1) return { ...branches[0], ...(schema.default !== undefined ? { default: schema.default } : {}) };
  return schema;
}

/** Every difference between the bounds an API schema states and those of a zod schema. */
function drift(name: string, api: JsonSchema, ours: JsonSchema): string[] {
  const out: string[] = [];
  const apiProps = api.properties ?? {};
  for (const [field, mine] of Object.entries(ours.properties ?? {})) {
    const theirs = apiProps[field];
    if (!theirs) {
      out.push(`${name}.${field}: the API has no such field`);
      continue;
    }
    const resolved = resolve(theirs);
    for (const keyword of KEYWORDS) {
      if (!(keyword in resolved)) continue;
      const key = `${name}.${field}.${keyword}`;
      const expected = key in DELIBERATE ? DELIBERATE[key] : resolved[keyword];
      if (JSON.stringify(mine[keyword]) !== JSON.stringify(expected)) {
        out.push(`${key}: zod says ${JSON.stringify(mine[keyword])}, expected ${JSON.stringify(expected)}`);
      }
    }
    const itemSchema = resolved.items ? resolve(resolved.items) : undefined;
    if (itemSchema?.properties && mine.items?.properties) out.push(...drift(`${name}.${field}[]`, itemSchema, mine.items));
  }
  return out;
}

function jsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

describe("request schemas follow the API's OpenAPI document", () => {
  it("fit the generated request types", () => {
    // Compile-time: what the route handlers forward is a valid request body for the API.
    expectTypeOf<z.output<typeof RecommendInput>>().toExtend<Schemas["RecommendRequest"]>();
    expectTypeOf<z.input<typeof RecommendInput>>().toExtend<Schemas["RecommendRequest"]>();
    expectTypeOf<z.output<typeof SavePlaylistInput>>().toExtend<Schemas["PlaylistCreate"]>();
    // The genre modes are exactly the API's, not a subset that would hide one from the page.
    expectTypeOf<z.output<typeof RecommendInput>["genre_mode"]>().toEqualTypeOf<
      NonNullable<Schemas["RecommendRequest"]["genre_mode"]>
    >();
    // So are the sources: "new to you" and "from my library".
    expectTypeOf<z.output<typeof RecommendInput>["source"]>().toEqualTypeOf<
      NonNullable<Schemas["RecommendRequest"]["source"]>
    >();
    // Guards against the checks above turning vacuous (e.g. the generated types becoming `any`).
    expectTypeOf<{ n: "twenty" }>().not.toExtend<Schemas["RecommendRequest"]>();
  });

  it("RecommendInput enforces the API's limits and defaults", () => {
    expect(drift("RecommendRequest", apiSchemas.RecommendRequest!, jsonSchema(RecommendInput))).toEqual([]);
  });

  it("SavePlaylistInput enforces the API's limits", () => {
    expect(drift("PlaylistCreate", apiSchemas.PlaylistCreate!, jsonSchema(SavePlaylistInput))).toEqual([]);
  });

  it("the comparison notices a limit typed in by hand", () => {
    const handWritten = z.object({ n: z.number().int().min(1).max(50).default(20), diversity: z.number().min(0).max(1).default(0.3) });
    expect(drift("RecommendRequest", apiSchemas.RecommendRequest!, jsonSchema(handWritten))).toEqual([
      "RecommendRequest.n.maximum: zod says 50, expected 100",
      "RecommendRequest.diversity.default: zod says 0.3, expected 0.1",
    ]);
  });

  it("parses with the API's defaults filled in and rejects values just past its limits", () => {
    const api = apiSchemas.RecommendRequest!.properties!;
    expect(RecommendInput.parse({ track_ids: [1] })).toMatchObject({
      n: api.n!.default,
      diversity: api.diversity!.default,
      genre_mode: api.genre_mode!.default,
      source: "new",
      targets: [],
    });
    const nMax = api.n!.maximum as number;
    expect(RecommendInput.safeParse({ track_ids: [1], n: nMax }).success).toBe(true);
    expect(RecommendInput.safeParse({ track_ids: [1], n: nMax + 1 }).success).toBe(false);
    expect(RecommendInput.safeParse({ track_ids: [1], diversity: (api.diversity!.maximum as number) + 0.01 }).success).toBe(false);
    expect(RecommendInput.safeParse({ track_ids: [1], genre_mode: "shuffle" }).success).toBe(false);
    expect(RecommendInput.safeParse({ track_ids: [1], source: "everything" }).success).toBe(false);
    expect(RecommendInput.parse({ track_ids: [1], source: "library" }).source).toBe("library");
  });
});

import { describe, expect, it } from "vitest";

import { REFRESH_COOKIE } from "@/lib/cookies";

import { config } from "./proxy";

describe("the proxy's matcher", () => {
  it("runs the proxy only for requests carrying the refresh cookie", () => {
    // Next reads the matcher as a literal, so it cannot name the constant itself.
    expect(config.matcher).toHaveLength(1);
    expect(config.matcher[0]?.has).toEqual([{ type: "cookie", key: REFRESH_COOKIE }]);
  });
});

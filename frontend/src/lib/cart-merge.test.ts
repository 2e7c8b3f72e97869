import { describe, expect, it } from "vitest";

import { describeNotices, planMerge } from "./cart-merge";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const C = "00000000-0000-4000-8000-00000000000c";

describe("merging a guest cart into an account's cart", () => {
  it("adds new lines and adds up quantities of lines in both", () => {
    const plan = planMerge(
      [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 1 },
      ],
      new Map([[B, 3]]),
      new Map([
        [A, 10],
        [B, 10],
      ]),
    );
    expect(plan.ops).toEqual([
      { kind: "add", productId: A, quantity: 2 },
      { kind: "set", productId: B, quantity: 4 },
    ]);
    expect(plan.notices).toEqual([]);
  });

  it("caps quantities by stock, with a notice", () => {
    const plan = planMerge([{ productId: A, quantity: 4 }], new Map([[A, 2]]), new Map([[A, 3]]));
    expect(plan.ops).toEqual([{ kind: "set", productId: A, quantity: 3 }]);
    expect(plan.notices).toEqual([{ productId: A, wanted: 6, kept: 3, reason: "stock" }]);
    expect(describeNotices(plan.notices, new Map([[A, "Brass Lamp"]]))).toEqual([
      "Brass Lamp: only 3 in stock, so your cart has 3 (you wanted 6).",
    ]);
  });

  it("skips sold-out and vanished products, with a notice each, and leaves others alone", () => {
    const plan = planMerge(
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 1 },
      ],
      new Map([[C, 5]]),
      new Map([[A, 0]]),
    );
    expect(plan.ops).toEqual([]);
    expect(plan.notices.map((n) => n.reason)).toEqual(["stock", "unavailable"]);
    expect(describeNotices(plan.notices, new Map([[A, "Mug"]]))).toEqual([
      "Mug is out of stock and was not added.",
      "An item is no longer available and was not added.",
    ]);
  });

  it("adds up a product that appears twice in the guest cart", () => {
    const plan = planMerge(
      [
        { productId: A, quantity: 1 },
        { productId: A, quantity: 2 },
      ],
      new Map(),
      new Map([[A, 9]]),
    );
    expect(plan.ops).toEqual([{ kind: "add", productId: A, quantity: 3 }]);
  });

  it("changes nothing when the account already holds all the stock", () => {
    const plan = planMerge([{ productId: A, quantity: 1 }], new Map([[A, 2]]), new Map([[A, 2]]));
    expect(plan.ops).toEqual([]);
    expect(plan.notices).toHaveLength(1);
  });
});

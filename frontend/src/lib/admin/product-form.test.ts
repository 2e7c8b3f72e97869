import { describe, expect, it } from "vitest";

import { apiFieldErrors, previewable, type ProductFields, splitKeywords, toProductBody } from "./product-form";

const FIELDS: ProductFields = {
  name: "Oak Stool",
  description: "Sturdy.",
  price: "49.90",
  category: "Furniture",
  image_url: "",
  stock: "12",
  attr_key: ["wood", "", "height"],
  attr_value: ["oak", "", "45 cm"],
};

describe("toProductBody", () => {
  it("builds the API body: price in cents, attribute rows as an object, empty rows skipped", () => {
    expect(toProductBody(FIELDS, { creating: true })).toEqual({
      body: {
        name: "Oak Stool",
        description: "Sturdy.",
        price_cents: 4990,
        category: "Furniture",
        image_url: null,
        attributes: { wood: "oak", height: "45 cm" },
        stock: 12,
      },
    });
  });

  it("sends no stock when editing (stock has its own page)", () => {
    const result = toProductBody(FIELDS, { creating: false });
    expect("body" in result && "stock" in result.body).toBe(false);
  });

  it("names each bad field", () => {
    const result = toProductBody(
      { ...FIELDS, name: "", price: "abc", stock: "-1", attr_key: ["a", "a", ""], attr_value: ["1", "2", "x"] },
      { creating: true },
    );
    expect(result).toEqual({
      errors: {
        name: "Enter a name.",
        price_cents: "Enter a price such as 19.99.",
        stock: "Enter a whole number of units (0 or more).",
        attributes: "Every attribute needs a name.",
      },
    });
  });
});

describe("apiFieldErrors", () => {
  it("maps the service's details to the form's fields, first message wins", () => {
    expect(
      apiFieldErrors([
        { field: "image_url", message: "String should match pattern" },
        { field: "attributes.colour", message: "Value error, too long" },
        { field: "image_url", message: "second" },
        { field: null, message: "ignored" },
        { field: "weird", message: "elsewhere" },
      ]),
    ).toEqual({ image_url: "String should match pattern", attributes: "Too long", form: "Elsewhere" });
  });
});

describe("helpers", () => {
  it("previews http(s) and site paths only", () => {
    expect(previewable("https://cdn.example.com/a.jpg")).toBe(true);
    expect(previewable("/api/products/1/image.svg")).toBe(true);
    expect(previewable("//evil.example/x")).toBe(false);
    expect(previewable("javascript:alert(1)")).toBe(false);
  });

  it("splits keywords, trims, drops duplicates, keeps ten", () => {
    expect(splitKeywords(" wireless, Wireless ,,noise   cancelling")).toEqual(["wireless", "noise cancelling"]);
    expect(splitKeywords(Array.from({ length: 12 }, (_, i) => `k${i}`).join(","))).toHaveLength(10);
  });
});

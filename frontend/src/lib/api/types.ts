import type { components } from "./schema";

type Schemas = components["schemas"];

export type Product = Schemas["ProductOut"];
export type ProductPage = Schemas["ProductPage"];
export type CategoryCount = Schemas["CategoryCount"];
export type Cart = Schemas["CartOut"];
export type CartItem = Schemas["CartItemOut"];
export type CartWarning = Cart["warnings"][number];
export type Order = Schemas["OrderOut"];
export type OrderStatus = Schemas["OrderStatus"];
export type OrderPage = Schemas["OrderPage"];
export type ShippingAddress = Schemas["ShippingAddress"];
export type User = Schemas["UserOut"];
export type AuthResponse = Schemas["AuthResponse"];
export type PaymentMethod = Schemas["PaymentMethodOut"];

/** The checkout body, with the total the shopper saw (`expected_total_cents`). */
export type CheckoutBody = Schemas["CheckoutRequest"];

/** The shared error body of every service (API.md, "Errors"). */
export type ApiError = { error: Schemas["ErrorBody"] };

/** Recommendations (API.md, "AI"), typed by hand while the service's document is absent. */
export type Recommendation = { product: Product; score: number; reason: string };
export type RecommendationList = { items: Recommendation[]; source: "gemini" | "local" };

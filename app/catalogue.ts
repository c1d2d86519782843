/**
 * The storefront's catalogue JSON API: a fixed list of products, so that an integration check
 * has real answers to compare, not just status codes.
 */

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: string;
}

export const CATALOGUE: readonly Product[] = [
  { sku: "tent-2p", name: "Two-person tent", priceCents: 18_900, currency: "USD" },
  { sku: "stove-mini", name: "Mini camping stove", priceCents: 4_450, currency: "USD" },
  { sku: "lamp-led", name: "LED lantern", priceCents: 2_999, currency: "USD" },
  { sku: "bag-down", name: "Down sleeping bag", priceCents: 24_500, currency: "USD" },
  { sku: "mug-ti", name: "Titanium mug", priceCents: 1_850, currency: "USD" },
];

/** Shown with the list when the `recommendations` feature flag is on. */
export const RECOMMENDED_SKUS: readonly string[] = ["tent-2p", "lamp-led"];

export const PRODUCTS_PATH = "/api/products";

export interface CatalogueOptions {
  /** The path is under the `brokenPaths` fault: answer 200 with wrong data. */
  readonly broken: boolean;
  readonly recommendations: boolean;
}

export interface CatalogueReply {
  readonly status: number;
  readonly body: unknown;
}

/** The answer for a catalogue path, or undefined when the path is not the catalogue's. */
export function catalogueRoute(
  path: string,
  options: CatalogueOptions,
): CatalogueReply | undefined {
  if (path === PRODUCTS_PATH) {
    // Broken: an empty catalogue, well-formed and 200, but wrong.
    const items = options.broken ? [] : CATALOGUE;
    const body = { items, count: items.length };
    return {
      status: 200,
      body: options.recommendations ? { ...body, recommended: RECOMMENDED_SKUS } : body,
    };
  }
  if (!path.startsWith(`${PRODUCTS_PATH}/`)) return undefined;
  const sku = safeDecode(path.slice(PRODUCTS_PATH.length + 1));
  const product = CATALOGUE.find((p) => p.sku === sku);
  if (product === undefined) return { status: 404, body: { error: "not found", sku } };
  if (options.broken) {
    // Broken: the item without its price, still 200.
    const { sku: s, name, currency } = product;
    return { status: 200, body: { sku: s, name, currency } };
  }
  return { status: 200, body: product };
}

/** A malformed escape (`%E0`) is just an unknown sku, not a server error. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

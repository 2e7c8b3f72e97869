/** A product's picture at a fixed aspect ratio, so nothing moves while it loads. */
export function ProductImage({
  src,
  alt,
  size,
  priority = false,
}: {
  src: string | null;
  alt: string;
  size: number;
  priority?: boolean;
}) {
  if (!src) {
    return (
      <div
        className="flex aspect-square w-full items-center justify-center bg-slate-100 text-sm text-slate-600"
        role="img"
        aria-label={alt}
      >
        No picture
      </div>
    );
  }
  return (
    // Product pictures are small SVGs from the catalog (or remote URLs): no optimiser needed.
    // eslint-disable-next-line @next/next/no-img-element
    <img
      src={src}
      alt={alt}
      width={size}
      height={size}
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : "auto"}
      decoding="async"
      className="aspect-square h-auto w-full bg-slate-100 object-cover"
    />
  );
}

import Link from "next/link";

import { EmptyState } from "@/components/States";

export default function ProductNotFound() {
  return (
    <EmptyState title="This product is not in the catalog">
      <p>
        It may have been removed.{" "}
        <Link href="/products" className="link">
          Browse the catalog
        </Link>
      </p>
    </EmptyState>
  );
}

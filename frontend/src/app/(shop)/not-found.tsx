import Link from "next/link";

import { EmptyState } from "@/components/States";

export default function NotFound() {
  return (
    <EmptyState title="This page does not exist">
      <Link href="/" className="link">
        Back to the shop
      </Link>
    </EmptyState>
  );
}

import type { Metadata } from "next";
import Link from "next/link";

import { ProductForm } from "@/components/admin/ProductForm";
import { requireAdmin } from "@/lib/admin/auth";
import { loadCategories } from "@/lib/admin/catalog";

export const metadata: Metadata = { title: "New product" };

export default async function NewProductPage() {
  await requireAdmin("/admin/products/new");
  const categories = await loadCategories();
  return (
    <div className="space-y-4">
      <Link href="/admin/products" className="link text-sm">All products</Link>
      <h1 className="text-2xl font-bold">New product</h1>
      <div className="card p-4">
        <ProductForm product={null} categories={categories} />
      </div>
    </div>
  );
}

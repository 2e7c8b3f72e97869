import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { ProductForm } from "@/components/admin/ProductForm";
import { StockForms } from "@/components/admin/StockForms";
import { ErrorPanel } from "@/components/States";
import { deleteProduct } from "@/lib/admin/actions";
import { requireAdmin } from "@/lib/admin/auth";
import { loadCategories, loadProduct } from "@/lib/admin/catalog";

export const metadata: Metadata = { title: "Edit product" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function EditProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/products/${id}`);
  if (!UUID.test(id)) notFound();
  const [product, categories] = await Promise.all([loadProduct(id), loadCategories()]);
  if (product === null) notFound();
  if (product === "down") {
    return <ErrorPanel title="This product cannot be shown right now" message="The catalog is not answering. Please try again in a moment." />;
  }
  return (
    <div className="space-y-4">
      <Link href="/admin/products" className="link text-sm">All products</Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h1 className="text-2xl font-bold">{product.name}</h1>
        <div className="flex flex-wrap gap-2">
          <Link href={`/products/${product.id}`} className="btn-secondary">View in the shop</Link>
          <ConfirmAction
            label="Delete product"
            question={`Delete “${product.name}”? It leaves the catalog; past orders keep it.`}
            confirmLabel="Yes, delete"
            danger
            action={deleteProduct.bind(null, product.id)}
          />
        </div>
      </div>
      <section aria-labelledby="stock-heading" className="card p-4">
        <h2 id="stock-heading" className="mb-2 text-lg font-semibold">
          Stock: <span data-testid="stock-count">{product.stock}</span> units
        </h2>
        <StockForms productId={product.id} stock={product.stock} />
      </section>
      <section aria-labelledby="details-heading" className="card p-4">
        <h2 id="details-heading" className="mb-3 text-lg font-semibold">Details</h2>
        <ProductForm product={product} categories={categories} />
      </section>
    </div>
  );
}

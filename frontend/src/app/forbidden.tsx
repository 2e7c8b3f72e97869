import Link from "next/link";

/** What `forbidden()` answers (status 403): a signed-in customer on an admin page. */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-2xl font-bold">Admins only</h1>
      <p className="mt-3 text-slate-800">This part of the shop is for the shop&apos;s administrators.</p>
      <p className="mt-6">
        <Link href="/" className="btn-primary">
          Back to the shop
        </Link>
      </p>
    </main>
  );
}
